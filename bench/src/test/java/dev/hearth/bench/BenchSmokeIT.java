package dev.hearth.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CI smoke test of the benchmarks: {@code bench/run --quick} (bundled data, so it runs on a fresh clone) must run
 * every benchmark to completion, write valid JSON with every headline figure, and append well-formed Markdown.
 * No thresholds: timings on a shared CI machine are noise.
 */
class BenchSmokeIT {
    private static final List<String> BENCHMARKS = List.of(
            "training",
            "training-conv",
            "fused",
            "flops",
            "time-to-accuracy",
            "serving",
            "store",
            "encryption",
            "runtime");

    @Test
    void quickRunExecutesEveryBenchmarkAndWritesJsonAndMarkdown(@TempDir Path tmp) throws Exception {
        Path root = Path.of(System.getProperty("hearth.root")).toAbsolutePath();
        Path json = tmp.resolve("quick.json");
        Path markdown = tmp.resolve("RESULTS.md");
        Path log = tmp.resolve("bench.log");
        ProcessBuilder pb = new ProcessBuilder(
                        root.resolve("bench/run").toString(),
                        "--quick",
                        "--out",
                        json.toString(),
                        "--record",
                        "--results",
                        markdown.toString())
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("HEARTH_BENCH_NO_BUILD", "1");
        Process p = pb.start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor();
            fail("bench/run --quick did not finish in 10 minutes; log:%n%s", tail(log));
        }
        assertThat(p.exitValue()).as("exit code; log:%n%s", tail(log)).isZero();

        JsonNode r = new ObjectMapper().readTree(json.toFile());
        assertThat(r.path("mode").asText()).isEqualTo("quick");
        assertThat(r.path("machine").path("cores").asInt()).isPositive();
        JsonNode b = r.path("benchmarks");
        assertThat(b.fieldNames()).toIterable().containsExactlyElementsOf(BENCHMARKS);
        assertPositive(b, "training", "ratioHearthOverSingleJvm");
        assertPositive(b, "training-conv", "ratioHearthOverSingleJvm");
        // Fair peers (issue 19): DL4J fit with every thread limit at 2, ParallelWrapper, the fused step in one JVM.
        for (String bench : List.of("training", "training-conv")) {
            assertPositive(b, bench, "ratioHearthOverBestPeer");
            assertPositive(b, bench, "peers", "parallelWrapper", "examplesPerSecond", "median");
            assertPositive(b, bench, "peers", "dl4jFit", "testAccuracy", "median");
            assertPositive(b, bench, "hearth", "testAccuracy", "median");
        }
        assertPositive(b, "training", "fusedOneJvm", "examplesPerSecond", "median");
        assertPositive(b, "training", "ratioHearthEngineOverBestPeer");
        assertPositive(b, "training", "hearthEngineRoundBreakdown", "0", "computeMs");
        assertThat(b.path("training-conv").path("fusedOneJvmNotRunBecause").asText())
                .isNotEmpty();
        assertPositive(b, "fused", "fusedUtilisationAt64");
        assertPositive(b, "fused", "batches", "1", "fusedExamplesPerSecond", "median");
        assertPositive(b, "flops", "hearthUtilisation");
        assertPositive(b, "time-to-accuracy", "mllib", "5", "mllibSeconds", "median");
        assertThat(b.path("time-to-accuracy")
                        .path("hearthSecondsToMllibAccuracy")
                        .has("hearthEngineAt5"))
                .as("time to MLlib's accuracy with train.engine=hearth")
                .isTrue();
        // Targets of issue 19 the training run reports: accuracy parity and the engine's per-round overhead.
        assertThat(b.path("training").path("accuracyGapHearthEngineVsDl4jPa").isNumber())
                .as("accuracy parity")
                .isTrue();
        assertPositive(b, "training", "hearthEngineNonComputeMs");
        assertPositive(b, "training", "sparkJobFloorMs", "median");
        assertPositive(b, "fused", "fusedUtilisationAt256");
        assertPositive(b, "flops", "hearthEngineUtilisation");
        assertPositive(b, "serving", "ratioBatchingAt32");
        assertPositive(b, "serving", "p99AtHalfSaturationMs");
        assertPositive(b, "store", "ratioLocal");
        assertThat(b.path("encryption").path("store").size())
                .as("encryption: store figures")
                .isPositive();
        assertThat(b.path("runtime").path("ratiosOverDl4jOutput").size())
                .as("runtime: ratios")
                .isPositive();
        assertThat(b.path("training")
                        .path("hearthRoundBreakdown")
                        .get(0)
                        .path("computeMs")
                        .asDouble())
                .as("per-round breakdown")
                .isPositive();
        assertThat(r.path("summary").size()).as("summary against targets").isGreaterThanOrEqualTo(5);

        String md = Files.readString(markdown);
        assertThat(md)
                .contains(
                        "## Run ",
                        "| target | measured | target | met |",
                        "### Training throughput",
                        "### Fused dense step",
                        "### FLOP utilisation",
                        "### Time to accuracy",
                        "### Serving",
                        "### Model store",
                        "### Encryption at rest",
                        "### Runtimes");
    }

    private static void assertPositive(JsonNode benchmarks, String benchmark, String... path) {
        JsonNode n = benchmarks.path(benchmark);
        for (String key : path) {
            n = n.isArray() ? n.path(Integer.parseInt(key)) : n.path(key);
        }
        assertThat(n.isNumber())
                .as("%s.%s is a number: %s", benchmark, String.join(".", path), n)
                .isTrue();
        assertThat(n.asDouble())
                .as("%s.%s", benchmark, String.join(".", path))
                .isPositive()
                .isFinite();
    }

    private static String tail(Path log) throws java.io.IOException {
        List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }
}
