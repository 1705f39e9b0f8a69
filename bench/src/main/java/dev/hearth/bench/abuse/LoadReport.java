package dev.hearth.bench.abuse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The figures of one hostile load and its verdict on each target.
 *
 * @param id short id, e.g. {@code 2a}
 * @param title what the load sends
 * @param figures JSON-ready figures (status counts, memory, metrics, clients, readiness, load-specific)
 * @param targets one verdict per target of the issue
 */
public record LoadReport(String id, String title, Map<String, Object> figures, List<Target> targets) {
    /** No {@code OutOfMemoryError} in the server's log during or right after the load. */
    public static final String NO_OOM = "no OutOfMemoryError";
    /** The server's highest PSS below its maximum heap + 1 GiB. */
    public static final String PSS = "PSS < heap + 1 GiB";
    /** No new {@code /metrics} series after a load of unauthenticated requests. */
    public static final String METRICS = "/metrics growth 0 (unauthenticated)";
    /** Every well-behaved request during the load answered 2xx. */
    public static final String CLIENTS = "well-behaved 100% success";
    /** Server alive, {@code /v2/health/ready} 200, and well-behaved requests all succeed right after the load. */
    public static final String READY = "ready after";
    /** A tampered model zip is never served. */
    public static final String REFUSED = "tampered zip refused";
    /** The serialized object in a tampered zip never reaches {@code ObjectInputStream}. */
    public static final String NOT_DESERIALIZED = "nothing deserialized";
    /** After every killed gc/delete and the next gc, the alias resolves to a committed, verified version. */
    public static final String ALIASES = "no aliased version hidden or deleted";

    /** Verdict of one target. */
    public enum Verdict {
        PASS,
        FAIL,
        NOT_APPLICABLE
    }

    /**
     * One target of one load.
     *
     * @param name e.g. {@code no OutOfMemoryError}
     * @param verdict pass, fail or not applicable to this load
     * @param measured the figure the verdict rests on
     */
    public record Target(String name, Verdict verdict, String measured) {
        static Target of(String name, boolean pass, String measured) {
            return new Target(name, pass ? Verdict.PASS : Verdict.FAIL, measured);
        }

        static Target notApplicable(String name, String why) {
            return new Target(name, Verdict.NOT_APPLICABLE, why);
        }
    }

    /** The targets this load failed. */
    public List<Target> failed() {
        List<Target> f = new ArrayList<>();
        for (Target t : targets) {
            if (t.verdict() == Verdict.FAIL) {
                f.add(t);
            }
        }
        return f;
    }

    /** The verdict of the target named {@code name}, or null when the load has no such target. */
    public Target target(String name) {
        return targets.stream().filter(t -> t.name().equals(name)).findFirst().orElse(null);
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("title", title);
        m.putAll(figures);
        Map<String, Object> t = new LinkedHashMap<>();
        for (Target target : targets) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("verdict", target.verdict().name());
            v.put("measured", target.measured());
            t.put(target.name(), v);
        }
        m.put("targets", t);
        return m;
    }
}
