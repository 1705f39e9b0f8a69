package dev.hearth.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.hearth.bench.abuse.AbuseProfile;
import dev.hearth.bench.abuse.AbuseReport;
import dev.hearth.bench.abuse.AbuseTable;
import dev.hearth.bench.abuse.LoadReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The abuse suite in CI ({@link AbuseProfile#ci()}: 3 s per load, 600 slow connections, of which 300 slow bodies
 * are more than Jetty's default 250 threads, 5 kill trials): a real server started by {@code bin/hearth serve} from
 * the packaged jar on a real local store, 8 well-behaved clients, every hostile load. Asserts every target of every load (no OutOfMemoryError, PSS under heap + 1 GiB, no
 * {@code /metrics} growth from unauthenticated requests, 100% well-behaved success, ready after, tampered zips
 * refused without deserialization, no aliased version hidden or deleted by a killed gc/delete); all failures are
 * reported together with the figures. Server logs: {@code bench/target/abuse-it/}.
 */
class AbuseIT {
    private static final List<String> LOADS = List.of("1", "2a", "2b", "3", "4", "5", "6", "7a", "7b", "8");

    @Test
    void serverHoldsEveryTargetUnderHostileLoads() {
        Path root = Path.of(System.getProperty("hearth.root")).toAbsolutePath();
        AbuseReport report = assertTimeoutPreemptively(
                Duration.ofMinutes(8),
                () -> AbuseBench.suite(root, AbuseProfile.ci(), root.resolve("bench/target/abuse-it")));
        String table = AbuseTable.markdown(report.toMap());
        System.out.println(table);

        assertThat(report.loads()).extracting(LoadReport::id).containsExactlyElementsOf(LOADS);
        for (LoadReport load : report.loads()) {
            assertThat(load.targets())
                    .as("targets of load %s", load.id())
                    .extracting(LoadReport.Target::name)
                    .contains(
                            LoadReport.NO_OOM,
                            LoadReport.PSS,
                            LoadReport.METRICS,
                            LoadReport.CLIENTS,
                            LoadReport.READY);
        }
        assertThat(report.load("1").target(LoadReport.METRICS).verdict())
                .isNotEqualTo(LoadReport.Verdict.NOT_APPLICABLE);
        assertThat(report.load("5").target(LoadReport.METRICS).verdict())
                .isNotEqualTo(LoadReport.Verdict.NOT_APPLICABLE);
        assertThat(report.load("7a").target(LoadReport.REFUSED)).isNotNull();
        assertThat(report.load("7b").target(LoadReport.NOT_DESERIALIZED)).isNotNull();
        assertThat(report.load("8").target(LoadReport.ALIASES)).isNotNull();
        assertThat(report.failures())
                .as("failed targets (figures above and in %s):%n%s", "bench/target/abuse-it", table)
                .isEmpty();
    }
}
