package dev.hearth.bench.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.store.NormalizerSpec;
import dev.hearth.store.Signature;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

/** The abuse suite's building blocks that need no server: request bodies, zips, metrics parsing, counting. */
class AbusePartsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static AbuseModel model() {
        float[][] rows = new float[3][4];
        for (int r = 0; r < rows.length; r++) {
            for (int c = 0; c < 4; c++) {
                rows[r][c] = r * 10 + c + (c == 3 ? 0.5f : 0);
            }
        }
        Signature s = new Signature(
                "input", "FP32", 4, List.of("a", "b", "c", "d"), List.of("x", "y"), NormalizerSpec.none());
        return new AbuseModel(new byte[] {1}, s, rows);
    }

    @Test
    void requestBodiesAreValidOipRequests() throws Exception {
        JsonNode one = JSON.readTree(model().singleRowBodies(2).get(1));
        JsonNode input = one.get("inputs").get(0);
        assertThat(input.get("shape").toString()).isEqualTo("[1,4]");
        assertThat(input.get("data").toString()).isEqualTo("[10,11,12,13.5]");
    }

    @Test
    void bodyOfSizeHasExactlyTheSizeAndAsManyRowsAsItsData() throws Exception {
        byte[] body = model().bodyOfSize(5_000, 10_000);
        assertThat(body).hasSize(5_000);
        JsonNode input = JSON.readTree(body).get("inputs").get(0);
        int rows = input.get("shape").get(0).asInt();
        assertThat(rows).isGreaterThan(50);
        assertThat(input.get("data").size()).isEqualTo(rows * 4);
        assertThat(JSON.readTree(model().bodyOfSize(5_000, 7))
                        .get("inputs")
                        .get(0)
                        .get("shape")
                        .get(0)
                        .asInt())
                .as("capped at maxRows")
                .isEqualTo(7);
    }

    @Test
    void instancesBombIsValidJsonOfAtMostTheSize() throws Exception {
        byte[] bomb = HostileRequests.instancesBomb(10_000);
        assertThat(bomb.length).isBetween(9_990, 10_000);
        assertThat(JSON.readTree(bomb).get("instances").size()).isGreaterThan(3_000);
    }

    @Test
    void tamperedZipsKeepEveryEntryAndAddOne() throws Exception {
        ByteArrayOutputStream original = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(original)) {
            z.putNextEntry(new ZipEntry("configuration.json"));
            z.write("{}".getBytes());
            z.closeEntry();
        }
        assertThat(entries(TamperedZips.withExtraEntry(original.toByteArray())))
                .containsExactly("configuration.json", TamperedZips.EXTRA_ENTRY);
        byte[] withPreprocessor = TamperedZips.withPreprocessor(original.toByteArray());
        assertThat(entries(withPreprocessor)).containsExactly("configuration.json", TamperedZips.PREPROCESSOR_ENTRY);
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(withPreprocessor))) {
            in.getNextEntry();
            in.getNextEntry();
            // In this JVM the canary class exists, so the entry is a readable serialized object. The JVM-wide filter
            // (conf/jvm17.args) refuses it, as it should; this stream allows just the canary to check the bytes.
            ObjectInputStream objects = new ObjectInputStream(in);
            objects.setObjectInputFilter(java.io.ObjectInputFilter.Config.createFilter(
                    DeserializationCanary.class.getName() + ";java.lang.*;!*"));
            assertThat(objects.readObject()).isInstanceOf(DeserializationCanary.class);
        }
    }

    private static List<String> entries(byte[] zip) throws Exception {
        List<String> names = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                names.add(e.getName());
            }
        }
        return names;
    }

    @Test
    void metricsSeriesIgnoreValuesAndCountNewLabels() {
        MetricsSnapshot before = MetricsSnapshot.of("""
                # HELP hearth_requests_seconds requests
                hearth_requests_seconds_count{model="m",status="200"} 9
                hearth_requests_seconds_sum{model="m",status="200"} 0.5
                """);
        MetricsSnapshot sameSeries = MetricsSnapshot.of("""
                # HELP hearth_requests_seconds requests
                hearth_requests_seconds_count{model="m",status="200"} 10000
                hearth_requests_seconds_sum{model="m",status="200"} 51.25
                """);
        MetricsSnapshot grown = MetricsSnapshot.of("""
                hearth_requests_seconds_count{model="m",status="200"} 10
                hearth_requests_seconds_sum{model="m",status="200"} 0.6
                hearth_requests_seconds_count{model="x1",status="401"} 1
                """);
        assertThat(before.series()).hasSize(2);
        assertThat(before.added(sameSeries, 5)).isEmpty();
        assertThat(sameSeries.bytes()).isGreaterThan(before.bytes());
        assertThat(before.added(grown, 5))
                .containsExactly("hearth_requests_seconds_count{model=\"x1\",status=\"401\"}");
        assertThat(MetricsSnapshot.of(null).available()).isFalse();
    }

    @Test
    void statusCountsClassifyAnswers() {
        StatusCounts c = new StatusCounts();
        for (int status : new int[] {200, 204, 400, 401, 413, 503, 503, 500}) {
            c.sending();
            c.answered(status, status == 503 && c.unavailable() == 0);
        }
        c.sending();
        c.failed(new java.io.IOException("reset", new java.net.SocketException("Connection reset")));
        Map<String, Object> m = c.toMap();
        assertThat(m)
                .containsEntry("sent", 9L)
                .containsEntry("2xx", 2L)
                .containsEntry("4xx", 3L)
                .containsEntry("503", 2L)
                .containsEntry("503WithRetryAfter", 1L)
                .containsEntry("5xxOther", 1L)
                .containsEntry("errors", 1L);
        assertThat(m.get("errorSamples")).isEqualTo(List.of("SocketException: Connection reset"));
    }

    @Test
    void percentileIsNearestRank() {
        double[] v = new double[100];
        for (int i = 0; i < v.length; i++) {
            v[i] = i + 1;
        }
        assertThat(WellBehavedClients.percentile(v, 0.99)).isEqualTo(99);
        assertThat(WellBehavedClients.percentile(v, 0.50)).isEqualTo(50);
        assertThat(WellBehavedClients.percentile(new double[] {7}, 0.99)).isEqualTo(7);
        assertThat(WellBehavedClients.percentile(new double[0], 0.99)).isZero();
    }

    @Test
    void loadReportListsFailedTargets() {
        LoadReport r = new LoadReport(
                "1",
                "t",
                new java.util.LinkedHashMap<>(),
                List.of(
                        LoadReport.Target.of(LoadReport.NO_OOM, true, "0"),
                        LoadReport.Target.of(LoadReport.METRICS, false, "+5 series"),
                        LoadReport.Target.notApplicable(LoadReport.ALIASES, "no store")));
        assertThat(r.failed()).extracting(LoadReport.Target::name).containsExactly(LoadReport.METRICS);
        AbuseReport report = new AbuseReport(Map.of(), List.of(r));
        assertThat(report.failures()).containsExactly("1 t: " + LoadReport.METRICS + " (+5 series)");
        assertThat(report.toMap()).containsEntry("targetsJudged", 2).containsEntry("targetsFailed", 1);
    }

    @Test
    void markdownHasAFigureRowAndATargetRowPerLoadAndTheDetails() {
        Map<String, Object> figures = new java.util.LinkedHashMap<>();
        StatusCounts c = new StatusCounts();
        c.sending();
        c.answered(401, false);
        figures.put("requests", c.toMap());
        figures.put("pssMb", List.of(300L, 2_300L, 2_200L));
        figures.put("heapUsedMb", List.of(100L, 2_000L, -1L));
        figures.put("metricsBytes", List.of(1_000L, 5_000L));
        figures.put("metricsSeries", List.of(10, 50));
        figures.put("clientsDuring", Map.of("ok", 9L, "sent", 10L, "p99Ms", 12.5, "failures", Map.of("HTTP 500", 1L)));
        figures.put("ready", true);
        figures.put("alive", true);
        figures.put(
                "slowConnections",
                Map.of(
                        "connected",
                        5,
                        "connections",
                        5,
                        "openSeconds",
                        0.2,
                        "openAtEnd",
                        5,
                        "closedByServer",
                        0,
                        "mix",
                        "3 heads, 2 bodies"));
        figures.put(
                "killTrials",
                Map.of(
                        "killed",
                        2,
                        "trials",
                        2,
                        "killedDuringRemoval",
                        1,
                        "killedWhileAliasedVersionHidden",
                        1,
                        "calibrationGcMs",
                        Map.of(),
                        "calibrationDeleteMs",
                        Map.of()));
        figures.put("serverRestartedAfter", true);
        LoadReport load = new LoadReport(
                "4",
                "slow",
                figures,
                List.of(
                        LoadReport.Target.of(LoadReport.NO_OOM, true, "0 in the log"),
                        LoadReport.Target.of(LoadReport.CLIENTS, false, "9/10"),
                        LoadReport.Target.of(LoadReport.ALIASES, true, "0 of 2")));
        Map<String, Object> setup = Map.of(
                "mode",
                "ci",
                "profile",
                AbuseProfile.ci(),
                "seed",
                14L,
                "server",
                "s",
                "clients",
                "c",
                "serverStarts",
                2);
        String md = AbuseTable.markdown(new AbuseReport(setup, List.of(load)).toMap());
        assertThat(md)
                .contains(
                        "### Abuse suite",
                        "| 4 slow | 1 | 0 | 1 | 0 (0) |",
                        "300 / 2,300 / 2,200",
                        "1,000 (10) -> 5,000 (50)",
                        "100 / 2,000 / ?",
                        "| 9 / 10 | 12.5 | yes |",
                        "| 4 | PASS (0 in the log) |",
                        "**FAIL** (9/10)",
                        LoadReport.ALIASES + ": PASS (0 of 2)",
                        "well-behaved failures {HTTP 500=1}",
                        "5 of 5 connected",
                        "1 while the aliased version was hidden",
                        "restarted after this load",
                        "Targets failed: **1** of 3");
    }
}
