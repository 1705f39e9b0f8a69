package dev.hearth.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.store.ModelFiles;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A new version that would push the held models past the off-heap budget is refused; the old one keeps serving. */
class OffHeapBudgetIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void swapBeyondTheBudgetIsRefused() throws Exception {
        HadoopModelStore store = TestModels.localStore(dir);
        ModelVersion first = TestModels.publish(store, "iris", TestModels.network(1));
        long size = first.metadata().files().get(ModelFiles.MODEL_FILE).size();
        // Room for one model file plus a little: the first loads, old + new during a swap does not fit.
        try (TestServer server = TestServer.start(
                null,
                "store.root=" + store.root(),
                "auth.enabled=false",
                "serving.poll.interval.ms=100",
                "serving.offheap.budget.bytes=" + (size + 16))) {
            TestModels.publish(store, "iris", TestModels.network(2));
            await().atMost(Duration.ofMinutes(1))
                    .until(() -> JSON.readTree(server.get("/v2/models/iris").body())
                            .get("parameters")
                            .get("serving")
                            .get("refused_versions")
                            .has("2"));
            JsonNode status = JSON.readTree(server.get("/v2/models/iris").body())
                    .get("parameters")
                    .get("serving");
            assertThat(status.get("served_version").asText()).isEqualTo("1");
            assertThat(status.get("problem").asText()).contains("serving.offheap.budget.bytes");
            assertThat(server.get("/metrics").body())
                    .contains("hearth_model_load_failures_total{model=\"iris\",reason=\"budget\"} 1.0");
            assertThat(JSON.readTree(server.post(
                                            "/v2/models/iris/infer", TestServer.request("b", new float[] {1, 2, 3, 4}))
                                    .body())
                            .get("model_version")
                            .asText())
                    .isEqualTo("1");
        }
    }
}
