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
        int status = 0;
        String answer;
        try {
            HttpResponse<String> resp = http.send(
                    HttpRequest.newBuilder(URI.create(
                                    server.url() + "/v2/models/" + model + "/versions/" + v.version() + "/infer"))
                            .timeout(Duration.ofSeconds(60))
                            .header("Authorization", "Bearer " + token)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(validBody))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            status = resp.statusCode();
            answer = resp.body();
        } catch (IOException e) {
            answer = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        r.put("versionedInferStatus", status);
        r.put("versionedInferAnswer", answer.length() > 300 ? answer.substring(0, 300) + "..." : answer);
        String served = null;
        String refused = null;
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode serving = servingStatus(server, token, model);
            if (serving != null) {
                served = serving.path("served_version").asText(null);
                JsonNode why = serving.path("refused_versions").path(Integer.toString(v.version()));
                refused = why.isMissingNode() || why.isNull() ? null : why.asText();
                if (Integer.toString(v.version()).equals(served) || refused != null) {
                    break;
                }
            }
            Thread.sleep(250);
        }
        boolean accepted =
                (status >= 200 && status < 300) || Integer.toString(v.version()).equals(served);
        String log = server.logSince(logOffset);
        r.put("servedVersionAfter", served);
        r.put("refusedReason", refused);
        r.put("accepted", accepted);
        r.put(
                "deserialized",
                log.contains(DeserializationCanary.class.getName())
                        || answer.contains(DeserializationCanary.class.getName()));
        r.put("decidedAfterMs", (System.nanoTime() - t0) / 1_000_000);
        return r;
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
