package dev.hearth.bench.abuse;

import dev.hearth.bench.abuse.LoadReport.Target;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Measures one hostile load against the server, the same way for every load: memory, {@code /metrics} and the
 * log position before; peak memory and the well-behaved clients' figures during; readiness, a few seconds of
 * well-behaved traffic alone, memory, {@code /metrics} and the log after. Then judges the common targets, adds the
 * load's own, and restarts the server when the load left it dead, unready or failing well-behaved requests, so the
 * next load is measured on a working server.
 */
final class LoadMeasurement {
    private static final long GIB = 1L << 30;
    private static final long MIB = 1L << 20;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    /** A hostile load: runs, counts what it sent and got into {@code counts}, returns its own figures. */
    @FunctionalInterface
    interface Load {
        Map<String, Object> run(StatusCounts counts) throws Exception;
    }

    /** The server the loads run against, which a restart replaces. */
    interface ServerHandle {
        ServerUnderTest server();

        ProcessMemory memory();

        void restart() throws Exception;
    }

    private final AbuseProfile profile;
    private final ServerHandle system;
    private final WellBehavedClients clients;
    private final String monitorToken;
    /** The heap limit {@code bin/hearth serve} sets when JMX cannot tell. */
    private final long defaultHeapMax;

    LoadMeasurement(
            AbuseProfile profile,
            ServerHandle system,
            WellBehavedClients clients,
            String monitorToken,
            long defaultHeapMax) {
        this.profile = profile;
        this.system = system;
        this.clients = clients;
        this.monitorToken = monitorToken;
        this.defaultHeapMax = defaultHeapMax;
    }

    /**
     * Runs and measures one load.
     *
     * @param prime for a load of unauthenticated requests (then {@code /metrics} must not grow), a few requests of
     *     the same kind sent first: they may add a fixed set of series (say, one 401 counter per endpoint), and
     *     the target is that the load after them adds none; null for other loads
     * @param specific the load's own targets, from its figures
     */
    LoadReport measure(
            String id, String title, Load prime, Load load, Function<Map<String, Object>, List<Target>> specific)
            throws Exception {
        System.out.printf(Locale.ROOT, "abuse: load %s: %s%n", id, title);
        ServerUnderTest server = system.server();
        ProcessMemory memory = system.memory();
        long pssBefore = memory.pssBytes();
        long heapBefore = memory.heapUsedBytes();
        long heapMax = memory.heapMaxBytes();
        MetricsSnapshot metricsBefore = MetricsSnapshot.of(server.metrics(monitorToken));
        long logOffset = server.logSize();
        StatusCounts primeCounts = new StatusCounts();
        MetricsSnapshot metricsPrimed = metricsBefore;
        if (prime != null) {
            prime.run(primeCounts);
            metricsPrimed = MetricsSnapshot.of(server.metrics(monitorToken));
        }
        StatusCounts counts = new StatusCounts();
        long from = clients.mark();
        long t0 = System.nanoTime();
        Map<String, Object> own;
        long pssMax;
        long heapPeak;
        try (MemoryPeak peak = new MemoryPeak(memory)) {
            own = load.run(counts);
            pssMax = peak.maxPss();
            heapPeak = peak.maxHeap();
        }
        long to = clients.mark();
        double seconds = (System.nanoTime() - t0) / 1e9;
        WellBehavedClients.Window during = clients.window(from, to);

        boolean alive = server.alive();
        boolean ready = alive && server.awaitReady(READY_TIMEOUT);
        long afterFrom = clients.mark();
        Thread.sleep(profile.afterSeconds() * 1000L);
        WellBehavedClients.Window after = clients.window(afterFrom, clients.mark());
        long pssAfter = memory.pssBytes();
        long heapAfter = memory.heapUsedBytes();
        MetricsSnapshot metricsAfter = MetricsSnapshot.of(server.metrics(monitorToken));
        String log = server.logSince(logOffset);
        int ooms = count(log, "OutOfMemoryError");
        pssMax = Math.max(pssMax, Math.max(pssBefore, pssAfter));
        heapPeak = Math.max(heapPeak, Math.max(heapBefore, heapAfter));
        long heapLimit = heapMax > 0 ? heapMax : defaultHeapMax;

        Map<String, Object> f = new LinkedHashMap<>();
        f.put("seconds", seconds);
        f.put("requests", counts.toMap());
        f.put("pssMb", mb(pssBefore, pssMax, pssAfter));
        f.put("heapUsedMb", mb(heapBefore, heapPeak, heapAfter));
        f.put("heapMaxMb", heapLimit / MIB);
        if (memory.jmxProblem() != null) {
            f.put("heapProblem", memory.jmxProblem());
        }
        f.put("metricsBytes", List.of(metricsBefore.bytes(), metricsAfter.bytes()));
        f.put(
                "metricsSeries",
                List.of(metricsBefore.series().size(), metricsAfter.series().size()));
        if (prime != null) {
            f.put("primingRequests", primeCounts.toMap());
            f.put("metricsSeriesAfterPriming", metricsPrimed.series().size());
        }
        f.put("metricsSeriesAdded", metricsPrimed.added(metricsAfter, 5));
        f.put("clientsDuring", during.toMap());
        f.put("clientsAfter", after.toMap());
        f.put("alive", alive);
        f.put("ready", ready);
        f.put("outOfMemoryErrors", ooms);
        f.put("logExcerpt", excerpt(log));
        f.putAll(own);

        List<Target> targets = new ArrayList<>();
        targets.add(Target.of(LoadReport.NO_OOM, ooms == 0, ooms + " in the log"));
        targets.add(Target.of(
                LoadReport.PSS,
                pssMax >= 0 && pssMax < heapLimit + GIB,
                String.format(Locale.ROOT, "max %,d MB < %,d MB", pssMax / MIB, (heapLimit + GIB) / MIB)));
        if (prime != null) {
            boolean measured = metricsPrimed.available() && metricsAfter.available();
            int growth = metricsAfter.series().size() - metricsPrimed.series().size();
            targets.add(Target.of(
                    LoadReport.METRICS,
                    measured
                            && growth <= 0
                            && metricsPrimed.added(metricsAfter, 1).isEmpty(),
                    measured
                            ? String.format(
                                    Locale.ROOT,
                                    "%+d series after the first %d requests," + " which added %+d; %,d -> %,d bytes",
                                    growth,
                                    primeCounts.sent(),
                                    metricsPrimed.series().size()
                                            - metricsBefore.series().size(),
                                    metricsBefore.bytes(),
                                    metricsAfter.bytes())
                            : "/metrics did not answer"));
        } else {
            targets.add(Target.notApplicable(LoadReport.METRICS, "authenticated load"));
        }
        targets.add(Target.of(
                LoadReport.CLIENTS,
                during.sent() > 0 && during.ok() == during.sent(),
                String.format(Locale.ROOT, "%d/%d", during.ok(), during.sent())));
        // Serving means keeping up: a server that answers a handful of the offered requests (the clients wait for
        // each answer) is not ready in any useful sense.
        long offered = Math.round(profile.clients() * profile.clientRate() * profile.afterSeconds());
        boolean serves = after.sent() >= offered / 2 && after.ok() == after.sent();
        targets.add(Target.of(
                LoadReport.READY,
                ready && serves,
                !alive
                        ? "server exited"
                        : !ready
                                ? "not ready within " + READY_TIMEOUT.toSeconds() + " s"
                                : String.format(
                                        Locale.ROOT,
                                        "ready, %d/%d after, %d offered",
                                        after.ok(),
                                        after.sent(),
                                        offered)));
        targets.addAll(specific.apply(f));
        LoadReport report = new LoadReport(id, title, f, targets);

        System.out.printf(
                Locale.ROOT,
                "abuse: load %s done in %.1f s: %s; clients %d/%d ok, p99 %.1f ms; PSS max %,d MB;" + " %d OOM; %s%n",
                id,
                seconds,
                counts.toMap(),
                during.ok(),
                during.sent(),
                during.p99Ms(),
                pssMax / MIB,
                ooms,
                report.failed().isEmpty()
                        ? "all targets met"
                        : "FAILED " + report.failed().stream().map(Target::name).toList());
        if (!ready || !serves) {
            System.out.printf(
                    Locale.ROOT,
                    "abuse: restarting the server after load %s (alive %s, ready %s, %d/%d"
                            + " well-behaved requests ok after the load)%n",
                    id,
                    alive,
                    ready,
                    after.ok(),
                    after.sent());
            system.restart();
            f.put("serverRestartedAfter", true);
        }
        return report;
    }

    private static List<Long> mb(long before, long max, long after) {
        return List.of(before < 0 ? -1 : before / MIB, max < 0 ? -1 : max / MIB, after < 0 ? -1 : after / MIB);
    }

    static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) {
            n++;
        }
        return n;
    }

    /** The first few error lines of the log, for the results. */
    private static List<String> excerpt(String log) {
        List<String> out = new ArrayList<>();
        for (String line : log.split("\n")) {
            if (line.contains("OutOfMemoryError") || line.contains(" ERROR ") || line.contains("Exception in thread")) {
                out.add(line.length() > 300 ? line.substring(0, 300) + "..." : line);
                if (out.size() == 5) {
                    break;
                }
            }
        }
        return out;
    }
}
