package dev.hearth.bench.abuse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.store.ModelVersion;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Load 7: publishes a tampered zip as the newest version of a model the server serves (policy: latest), asks for
 * it explicitly ({@code /versions/{v}/infer} with a token holding predict and read scopes), and waits until the
 * server either serves it (the store watcher swapped to it) or reports it refused. The server's log is then
 * searched for the {@link DeserializationCanary}'s class name: its presence means the entry was deserialized.
 */
final class TamperedModelProbe {
    private final Publishing publishing;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    TamperedModelProbe(Publishing publishing) {
        this.publishing = publishing;
    }

    /**
     * @param wait how long to wait for the server to decide (a poll interval of the store watcher and a load)
     * @return figures: status of the versioned request, version served after, refusal, deserialization
     */
    Map<String, Object> probe(
            ServerUnderTest server,
            String token,
            String model,
            String entry,
            byte[] zip,
            String validBody,
            Duration wait,
            long logOffset)
            throws InterruptedException {
        long t0 = System.nanoTime();
        ModelVersion v = publishing.publish(model, zip, "tampered: " + entry);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("model", model);
        r.put("entry", entry);
        r.put("version", v.version());
        Answer a = versionedInfer(server, token, model, v.version(), validBody);
        r.put("versionedInferStatus", a.status());
        r.put("versionedInferAnswer", a.text().length() > 300 ? a.text().substring(0, 300) + "..." : a.text());
        Decision d = awaitDecision(server, token, model, v.version(), wait);
        boolean accepted = (a.status() >= 200 && a.status() < 300)
                || Integer.toString(v.version()).equals(d.served());
        String log = server.logSince(logOffset);
        r.put("servedVersionAfter", d.served());
        r.put("refusedReason", d.refused());
        r.put("accepted", accepted);
        r.put(
                "deserialized",
                log.contains(DeserializationCanary.class.getName())
                        || a.text().contains(DeserializationCanary.class.getName()));
        r.put("decidedAfterMs", (System.nanoTime() - t0) / 1_000_000);
        return r;
    }

    /** The versioned request's status (0 when it failed) and body (or the failure). */
    private record Answer(int status, String text) {}

    /** The version served once the server decided, and its refusal reason for the tampered version, if any. */
    private record Decision(String served, String refused) {}

    private Answer versionedInfer(ServerUnderTest server, String token, String model, int version, String body)
            throws InterruptedException {
        try {
            HttpResponse<String> resp = http.send(
                    HttpRequest.newBuilder(URI.create(
                                    server.url() + "/v2/models/" + model + "/versions/" + version + "/infer"))
                            .timeout(Duration.ofSeconds(60))
                            .header("Authorization", "Bearer " + token)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Answer(resp.statusCode(), resp.body());
        } catch (IOException e) {
            return new Answer(0, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** Polls the model's serving status until it serves {@code version} or refuses it, or {@code wait} passed. */
    private Decision awaitDecision(ServerUnderTest server, String token, String model, int version, Duration wait)
            throws InterruptedException {
        String served = null;
        String refused = null;
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode serving = servingStatus(server, token, model);
            if (serving != null) {
                served = serving.path("served_version").asText(null);
                JsonNode why = serving.path("refused_versions").path(Integer.toString(version));
                refused = why.isMissingNode() || why.isNull() ? null : why.asText();
                if (Integer.toString(version).equals(served) || refused != null) {
                    break;
                }
            }
            Thread.sleep(250);
        }
        return new Decision(served, refused);
    }

    /** {@code parameters.serving} of {@code GET /v2/models/{model}}, or null. */
    private JsonNode servingStatus(ServerUnderTest server, String token, String model) throws InterruptedException {
        HttpResponse<String> resp = server.get("/v2/models/" + model, token);
        if (resp == null || resp.statusCode() != 200) {
            return null;
        }
        try {
            return json.readTree(resp.body()).path("parameters").path("serving");
        } catch (IOException e) {
            return null;
        }
    }
}
