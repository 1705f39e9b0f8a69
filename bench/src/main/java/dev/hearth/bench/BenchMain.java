package dev.hearth.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench/run}: runs the benchmarks and writes JSON results. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Hearth benchmarks (ratios against baselines measured in the same run).")
public final class BenchMain implements Callable<Integer> {
    @Option(names = "--quick", description = "small data, one round: a smoke test of every benchmark")
    boolean quick;

    @Option(names = "--data", description = "directory with fashion-mnist-train.csv.gz and fashion-mnist-test.csv.gz",
            defaultValue = "../shared/data")
    Path data;

    @Option(names = "--out", description = "JSON result file", defaultValue = "bench/results/latest.json")
    Path out;

    @Override
    public Integer call() throws Exception {
        Path root = Path.of(System.getProperty("hearth.root", ".")).toAbsolutePath().normalize();
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("time", Instant.now().toString());
        results.put("machine", Machine.describe());
        results.put("mode", quick ? "quick" : "full");
        results.put("training", new TrainingThroughputBench(root, data.resolve("fashion-mnist-train.csv.gz"),
                data.resolve("fashion-mnist-test.csv.gz"), "mlp-784-256-128-10.yaml", quick ? 4000 : 0,
                quick ? 2 : 3, quick ? 1 : 3).run());
        Files.createDirectories(out.toAbsolutePath().getParent());
        String json = new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(results);
        Files.writeString(out, json);
        System.out.println(json);
        return 0;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchMain()).execute(args));
    }
}
