package dev.hearth.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench/run}: runs the benchmarks, each measuring Hearth and its baseline in the same run, writes the results
 * as JSON and appends them as Markdown to {@code bench/RESULTS.md}.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Hearth benchmarks: ratios against baselines measured in the same run.")
public final class BenchMain implements Callable<Integer> {
    private static final List<String> TRAINING_DATA =
            List.of("training", "training-conv", "time-to-accuracy", "encryption");

    @Option(
            names = "--quick",
            description =
                    "bundled 4k-row data, one repeat, short runs: a smoke test of every benchmark (about 3 minutes)")
    boolean quick;

    @Option(
            names = "--data",
            description =
                    "full mode: directory with fashion-mnist-train.csv.gz and fashion-mnist-test.csv.gz (default: ${DEFAULT-VALUE})",
            defaultValue = "../shared/data")
    Path data;

    @Option(
            names = "--only",
            split = ",",
            description =
                    "benchmarks to run (default: all but abuse): training,"
                            + " training-conv, fused, flops, time-to-accuracy, serving, store, abuse, encryption, fleet, console, runtime")
    List<String> only = new ArrayList<>();

    @Option(
            names = "--set",
            description = "Hearth training setting for the training benchmarks, key=value (repeatable)")
    List<String> overrides = new ArrayList<>();

    @Option(
            names = "--rounds",
            description = "training and time-to-accuracy benchmarks: alternating rounds (default: 3, 1 with --quick)")
    Integer rounds;

    @Option(
            names = "--epochs",
            description = "training benchmarks: epochs per round (default: 3 dense, 2 conv; 2 with --quick)")
    Integer epochs;

    @Option(names = "--out", description = "JSON result file (default: bench/results/<mode>-<time>.json)")
    Path out;

    @Option(
            names = "--record",
            negatable = true,
            description = "append the Markdown tables to --results (default: on in full mode, off with --quick)")
    Boolean record;

    @Option(
            names = "--results",
            description = "Markdown results file to append to (default: ${DEFAULT-VALUE})",
            defaultValue = "bench/RESULTS.md")
    Path resultsFile;

    @Override
    public Integer call() throws Exception {
        Path root =
                Path.of(System.getProperty("hearth.root", ".")).toAbsolutePath().normalize();
        Map<String, Object> results = new LinkedHashMap<>();
        Instant started = Instant.now();
        results.put("time", started.toString());
        results.put("mode", quick ? "quick" : "full");
        results.put("machine", Machine.describe());
        Map<String, Object> benchmarks = new LinkedHashMap<>();
        results.put("benchmarks", benchmarks);
        List<Benchmark> all = benchmarks(root, benchmarks);
        refuseUnknown(all);
        String markdown = runSelected(all, benchmarks);
        results.put("summary", Summary.of(benchmarks));
        results.put("wallSeconds", (Instant.now().toEpochMilli() - started.toEpochMilli()) / 1000.0);
        Path json = writeJson(root, started, results);
        String section = Summary.markdownHeader(results) + Summary.markdown(castMap(results.get("summary"))) + markdown;
        System.out.println(section);
        System.out.println("JSON results: " + json);
        if (record != null ? record : !quick) {
            Path md = root.resolve(resultsFile);
            Files.writeString(md, "\n" + section, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            System.out.println("Appended to " + md);
        }
        return 0;
    }

    /** Every benchmark, in run order; the FLOP benchmark reads the training benchmark's result from {@code done}. */
    private List<Benchmark> benchmarks(Path root, Map<String, Object> done) {
        // Only the training benchmarks read Fashion-MNIST; the others run without it (bundled data stands in).
        boolean bundled = quick || !only.isEmpty() && only.stream().noneMatch(TRAINING_DATA::contains);
        BenchData fashion = bundled ? BenchData.bundled(root) : BenchData.full(root.resolve(data), 0);
        BenchData convData = bundled ? fashion : BenchData.full(root.resolve(data), 10_000);
        List<Benchmark> all = new ArrayList<>();
        int repeats = rounds != null ? rounds : quick ? 1 : 3;
        // Fixed test accuracies for time-to-accuracy (the bundled 4k rows reach less in 2 epochs).
        all.add(new TrainingThroughputBench(
                "training",
                root,
                fashion,
                "mlp-784-256-128-10.yaml",
                epochs != null ? epochs : quick ? 2 : 3,
                repeats,
                overrides,
                quick ? 0.70 : 0.85));
        all.add(new TrainingThroughputBench(
                "training-conv",
                root,
                convData,
                "cnn-28x28.yaml",
                epochs != null ? epochs : 2,
                repeats,
                overrides,
                quick ? 0.55 : 0.75));
        all.add(new FusedStepBench(root, quick));
        all.add(new FlopsBench(quick, () -> castMap(done.get("training"))));
        all.add(new TimeToAccuracyBench(
                root, fashion, quick ? new int[] {5} : new int[] {20, 50}, quick ? 2 : 3, repeats, overrides));
        all.add(new ServingBench(root, quick));
        all.add(new StoreBench(root, quick));
        all.add(new EncryptionBench(root, fashion, quick));
        all.add(new AbuseBench(root, quick));
        all.add(new FleetBench(root, quick));
        all.add(new ConsoleBench(root, quick));
        all.add(new RuntimeBench(root, quick));
        return all;
    }

    private void refuseUnknown(List<Benchmark> all) {
        List<String> unknown = new ArrayList<>(only);
        unknown.removeAll(all.stream().map(Benchmark::name).toList());
        if (!unknown.isEmpty()) {
            throw new CommandLine.ParameterException(
                    new CommandLine(this),
                    "--only: unknown benchmark(s) " + unknown + "; known: "
                            + all.stream().map(Benchmark::name).toList());
        }
    }

    /** Runs the selected benchmarks in order, each result into {@code benchmarks}; returns their Markdown. */
    private String runSelected(List<Benchmark> all, Map<String, Object> benchmarks) throws Exception {
        StringBuilder markdown = new StringBuilder();
        for (Benchmark b : all) {
            if (only.isEmpty() ? !b.inDefaultRun() : !only.contains(b.name())) {
                continue;
            }
            System.out.println("=== benchmark " + b.name() + " ===");
            long t0 = System.nanoTime();
            Map<String, Object> r = b.run();
            r.put("wallSeconds", (System.nanoTime() - t0) / 1e9);
            benchmarks.put(b.name(), r);
            markdown.append(b.markdown(r));
        }
        return markdown.toString();
    }

    private Path writeJson(Path root, Instant started, Map<String, Object> results) throws java.io.IOException {
        Path json = out != null
                ? out
                : root.resolve("bench/results/" + (quick ? "quick" : "full") + "-"
                        + started.toString().replace(':', '-') + ".json");
        Files.createDirectories(json.toAbsolutePath().getParent());
        Files.writeString(
                json, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(results));
        return json;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> castMap(Object o) {
        return (Map<String, Object>) o;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchMain()).execute(args));
    }
}
