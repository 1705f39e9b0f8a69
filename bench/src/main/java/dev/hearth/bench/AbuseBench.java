package dev.hearth.bench;

import dev.hearth.bench.abuse.AbuseModel;
import dev.hearth.bench.abuse.AbuseProfile;
import dev.hearth.bench.abuse.AbuseReport;
import dev.hearth.bench.abuse.AbuseSuite;
import dev.hearth.bench.abuse.AbuseTable;
import dev.hearth.testing.Trees;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code bench/run --only abuse}: the abuse suite ({@link AbuseSuite}) against {@code bin/hearth serve} serving
 * the serving benchmark's 784-256-10 network. Not a baseline comparison, so not part of the default run; its
 * figures and PASS/FAIL per target go to the JSON results and {@code bench/RESULTS.md} like every benchmark's.
 */
final class AbuseBench implements Benchmark {
    /** Fixed, so a run can be repeated kill point for kill point; recorded with the results. */
    static final long SEED = 14;

    private final Path root;
    private final boolean quick;

    AbuseBench(Path root, boolean quick) {
        this.root = root;
        this.quick = quick;
    }

    @Override
    public String name() {
        return "abuse";
    }

    @Override
    public boolean inDefaultRun() {
        return false;
    }

    @Override
    public Map<String, Object> run() throws Exception {
        Path logs =
                root.resolve("bench/results/abuse-" + Instant.now().toString().replace(':', '-'));
        AbuseReport report = suite(root, quick ? AbuseProfile.quick() : AbuseProfile.full(), logs);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("benchmark", "abuse");
        r.putAll(report.toMap());
        return r;
    }

    /**
     * Trains and publishes the serving benchmark's model, runs the suite with {@code profile} against it, and
     * returns the report; server logs go to {@code logs}.
     */
    static AbuseReport suite(Path root, AbuseProfile profile, Path logs) throws Exception {
        ServingModel m = ServingModel.publish(root.resolve("examples/data/mnist-10k.csv.gz"), AbuseSuite.MODEL);
        try {
            AbuseModel model = new AbuseModel(m.modelZip(), m.signature(), Arrays.copyOf(m.rows(), 64));
            return new AbuseSuite(root, profile, model, logs, SEED).run();
        } finally {
            Trees.delete(m.store());
        }
    }

    @Override
    public String markdown(Map<String, Object> result) {
        return AbuseTable.markdown(result);
    }
}
