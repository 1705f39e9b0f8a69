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
        Before before = before(server, memory);
        Priming priming = prime(prime, server, before.metrics());
        StatusCounts counts = new StatusCounts();
        During during = during(load, counts, memory);
        After after = after(server, memory, before.logOffset());
        Peaks peaks = new Peaks(
                Math.max(during.pssMax(), Math.max(before.pss(), after.pss())),
                Math.max(during.heapPeak(), Math.max(before.heap(), after.heap())),
                before.heapMax() > 0 ? before.heapMax() : defaultHeapMax);
        Map<String, Object> f = figures(counts, before, priming, during, after, peaks, memory);
        boolean serves = serves(after.window());
        List<Target> targets = targets(before, priming, during, after, peaks, serves);
        targets.addAll(specific.apply(f));
        LoadReport report = new LoadReport(id, title, f, targets);
        printDone(id, counts, during, after, peaks, report);
        if (!after.ready() || !serves) {
            System.out.printf(
                    Locale.ROOT,
                    "abuse: restarting the server after load %s (alive %s, ready %s, %d/%d"
                            + " well-behaved requests ok after the load)%n",
                    id,
                    after.alive(),
                    after.ready(),
                    after.window().ok(),
                    after.window().sent());
            system.restart();
            f.put("serverRestartedAfter", true);
        }
        return report;
    }

    /** Memory, {@code /metrics} and the log position before a load. */
    private record Before(long pss, long heap, long heapMax, MetricsSnapshot metrics, long logOffset) {}

    /** The priming requests' counts and {@code /metrics} after them ({@code done} false: no priming). */
    private record Priming(boolean done, StatusCounts counts, MetricsSnapshot metrics) {}

    /** A load's own figures, its peaks of memory, its duration and the well-behaved clients meanwhile. */
    private record During(
            Map<String, Object> own, long pssMax, long heapPeak, double seconds, WellBehavedClients.Window window) {}

    /** Liveness, readiness, the clients, memory, {@code /metrics} and the log after a load. */
    private record After(
            boolean alive,
            boolean ready,
            WellBehavedClients.Window window,
            long pss,
            long heap,
            MetricsSnapshot metrics,
            String log,
            int ooms) {}

    /** The highest PSS and heap before, during or after a load, and the heap limit they are judged against. */
    private record Peaks(long pssMax, long heapPeak, long heapLimit) {}

    private Before before(ServerUnderTest server, ProcessMemory memory) throws Exception {
        long pss = memory.pssBytes();
        long heap = memory.heapUsedBytes();
        long heapMax = memory.heapMaxBytes();
        MetricsSnapshot metrics = MetricsSnapshot.of(server.metrics(monitorToken));
        return new Before(pss, heap, heapMax, metrics, server.logSize());
    }

    private Priming prime(Load prime, ServerUnderTest server, MetricsSnapshot before) throws Exception {
        StatusCounts counts = new StatusCounts();
        if (prime == null) {
            return new Priming(false, counts, before);
        }
        prime.run(counts);
        return new Priming(true, counts, MetricsSnapshot.of(server.metrics(monitorToken)));
    }

    private During during(Load load, StatusCounts counts, ProcessMemory memory) throws Exception {
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
        return new During(own, pssMax, heapPeak, seconds, clients.window(from, to));
    }

    private After after(ServerUnderTest server, ProcessMemory memory, long logOffset) throws Exception {
        boolean alive = server.alive();
        boolean ready = alive && server.awaitReady(READY_TIMEOUT);
        long afterFrom = clients.mark();
        Thread.sleep(profile.afterSeconds() * 1000L);
        WellBehavedClients.Window window = clients.window(afterFrom, clients.mark());
        long pss = memory.pssBytes();
        long heap = memory.heapUsedBytes();
        MetricsSnapshot metrics = MetricsSnapshot.of(server.metrics(monitorToken));
        String log = server.logSince(logOffset);
        return new After(alive, ready, window, pss, heap, metrics, log, count(log, "OutOfMemoryError"));
    }

    private static Map<String, Object> figures(
            StatusCounts counts, Before b, Priming p, During d, After a, Peaks peaks, ProcessMemory memory) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("seconds", d.seconds());
        f.put("requests", counts.toMap());
        f.put("pssMb", mb(b.pss(), peaks.pssMax(), a.pss()));
        f.put("heapUsedMb", mb(b.heap(), peaks.heapPeak(), a.heap()));
        f.put("heapMaxMb", peaks.heapLimit() / MIB);
        if (memory.jmxProblem() != null) {
            f.put("heapProblem", memory.jmxProblem());
        }
        f.put("metricsBytes", List.of(b.metrics().bytes(), a.metrics().bytes()));
        f.put(
                "metricsSeries",
                List.of(b.metrics().series().size(), a.metrics().series().size()));
        if (p.done()) {
            f.put("primingRequests", p.counts().toMap());
            f.put("metricsSeriesAfterPriming", p.metrics().series().size());
        }
        f.put("metricsSeriesAdded", p.metrics().added(a.metrics(), 5));
        f.put("clientsDuring", d.window().toMap());
        f.put("clientsAfter", a.window().toMap());
        f.put("alive", a.alive());
        f.put("ready", a.ready());
        f.put("outOfMemoryErrors", a.ooms());
        f.put("logExcerpt", excerpt(a.log()));
        f.putAll(d.own());
        return f;
    }

    /**
     * Serving means keeping up: a server that answers a handful of the offered requests (the clients wait for each
     * answer) is not ready in any useful sense.
     */
    private boolean serves(WellBehavedClients.Window after) {
        return after.sent() >= offered() / 2 && after.ok() == after.sent();
    }

    private long offered() {
        return Math.round(profile.clients() * profile.clientRate() * profile.afterSeconds());
    }

    /** The common targets, in the report's order. */
    private List<Target> targets(Before b, Priming p, During d, After a, Peaks peaks, boolean serves) {
        List<Target> targets = new ArrayList<>();
        targets.add(Target.of(LoadReport.NO_OOM, a.ooms() == 0, a.ooms() + " in the log"));
        targets.add(Target.of(
                LoadReport.PSS,
                peaks.pssMax() >= 0 && peaks.pssMax() < peaks.heapLimit() + GIB,
                String.format(
                        Locale.ROOT, "max %,d MB < %,d MB", peaks.pssMax() / MIB, (peaks.heapLimit() + GIB) / MIB)));
        targets.add(
                p.done()
                        ? metricsTarget(b.metrics(), p, a.metrics())
                        : Target.notApplicable(LoadReport.METRICS, "authenticated load"));
        targets.add(Target.of(
                LoadReport.CLIENTS,
                d.window().sent() > 0 && d.window().ok() == d.window().sent(),
                String.format(Locale.ROOT, "%d/%d", d.window().ok(), d.window().sent())));
        targets.add(Target.of(
                LoadReport.READY,
                a.ready() && serves,
                !a.alive()
                        ? "server exited"
                        : !a.ready()
                                ? "not ready within " + READY_TIMEOUT.toSeconds() + " s"
                                : String.format(
                                        Locale.ROOT,
                                        "ready, %d/%d after, %d offered",
                                        a.window().ok(),
                                        a.window().sent(),
                                        offered())));
        return targets;
    }

    /** No new {@code /metrics} series after the priming requests of an unauthenticated load. */
    private static Target metricsTarget(MetricsSnapshot before, Priming p, MetricsSnapshot after) {
        MetricsSnapshot primed = p.metrics();
        boolean measured = primed.available() && after.available();
        int growth = after.series().size() - primed.series().size();
        return Target.of(
                LoadReport.METRICS,
                measured && growth <= 0 && primed.added(after, 1).isEmpty(),
                measured
                        ? String.format(
                                Locale.ROOT,
                                "%+d series after the first %d requests," + " which added %+d; %,d -> %,d bytes",
                                growth,
                                p.counts().sent(),
                                primed.series().size() - before.series().size(),
                                before.bytes(),
                                after.bytes())
                        : "/metrics did not answer");
    }

    private static void printDone(
            String id, StatusCounts counts, During during, After after, Peaks peaks, LoadReport report) {
        System.out.printf(
                Locale.ROOT,
                "abuse: load %s done in %.1f s: %s; clients %d/%d ok, p99 %.1f ms; PSS max %,d MB;" + " %d OOM; %s%n",
                id,
                during.seconds(),
                counts.toMap(),
                during.window().ok(),
                during.window().sent(),
                during.window().p99Ms(),
                peaks.pssMax() / MIB,
                after.ooms(),
                report.failed().isEmpty()
                        ? "all targets met"
                        : "FAILED " + report.failed().stream().map(Target::name).toList());
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
