package dev.hearth.serving.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.serving.rollout.Rollout;
import io.javalin.http.Context;
import java.io.IOException;

/**
 * {@code GET /v2/models/{name}/rollout} (read scope): the model's canary and shadow targets, weights and loaded
 * versions, requests per role on this replica, and shadow agreement per pair of versions, on this replica and
 * merged over every replica's summary in the store.
 */
public final class RolloutHandler {
    private final Rollout rollout;
    private final ObjectMapper mapper = new ObjectMapper();

    public RolloutHandler(Rollout rollout) {
        this.rollout = rollout;
    }

    public void get(Context ctx) throws IOException {
        byte[] body = mapper.writeValueAsBytes(rollout.describe(ctx.pathParam("name")));
        ctx.contentType("application/json");
        ctx.result(body);
    }
}
