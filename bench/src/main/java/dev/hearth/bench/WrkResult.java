package dev.hearth.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code wrk --latency} run, parsed from its text output.
 *
 * @param requestsPerSecond completed requests per second
 * @param p50Millis median latency
 * @param p99Millis 99th percentile latency
 * @param requests completed requests
 * @param errors non-2xx/3xx responses plus socket errors (connect, read, write, timeout)
 * @param errorText wrk's own error lines, empty when there were none
 */
record WrkResult(
        double requestsPerSecond, double p50Millis, double p99Millis, long requests, long errors, String errorText) {
    private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in ");
    private static final Pattern PERCENTILE =
            Pattern.compile("^\\s*(50|99)(?:\\.0+)?%\\s+([0-9.]+)(us|ms|s|m)\\s*$", Pattern.MULTILINE);
    private static final Pattern SOCKET =
            Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");

    /** Parses wrk's output; fails when a figure is missing (e.g. wrk ran without {@code --latency}). */
    /** Requests/s of each run. */
    static List<Double> rps(List<WrkResult> runs) {
        return runs.stream().map(WrkResult::requestsPerSecond).toList();
    }

    /** Requests/s, p50 and p99 of several runs of one point, in that order. */
    static Map<String, Object> figures(List<WrkResult> runs) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("requestsPerSecond", Stats.of(rps(runs)));
        m.put("p50Ms", Stats.of(runs.stream().map(WrkResult::p50Millis).toList()));
        m.put("p99Ms", Stats.of(runs.stream().map(WrkResult::p99Millis).toList()));
        return m;
    }

    static WrkResult parse(String out) {
        double rps = Double.parseDouble(find(RPS, out, "Requests/sec"));
        long requests = Long.parseLong(find(REQUESTS, out, "requests in"));
        double p50 = Double.NaN;
        double p99 = Double.NaN;
        Matcher m = PERCENTILE.matcher(out);
        while (m.find()) {
            double ms = millis(Double.parseDouble(m.group(2)), m.group(3));
            if (m.group(1).equals("50")) {
                p50 = ms;
            } else {
                p99 = ms;
            }
        }
        if (Double.isNaN(p50) || Double.isNaN(p99)) {
            throw new IllegalArgumentException("wrk output has no latency distribution (run with --latency):\n" + out);
        }
        long errors = 0;
        StringBuilder text = new StringBuilder();
        Matcher s = SOCKET.matcher(out);
        if (s.find()) {
            for (int g = 1; g <= 4; g++) {
                errors += Long.parseLong(s.group(g));
            }
            text.append(s.group());
        }
        Matcher n = NON_2XX.matcher(out);
        if (n.find()) {
            errors += Long.parseLong(n.group(1));
            text.append(text.isEmpty() ? "" : "; ").append(n.group());
        }
        return new WrkResult(rps, p50, p99, requests, errors, text.toString());
    }

    private static String find(Pattern p, String out, String what) {
        Matcher m = p.matcher(out);
        if (!m.find()) {
            throw new IllegalArgumentException("wrk output has no '" + what + "' line:\n" + out);
        }
        return m.group(1);
    }

    private static double millis(double v, String unit) {
        return switch (unit) {
            case "us" -> v / 1000;
            case "ms" -> v;
            case "s" -> v * 1000;
            case "m" -> v * 60_000;
            default -> throw new IllegalArgumentException("unknown wrk time unit " + unit);
        };
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "%.0f req/s, p50 %.2f ms, p99 %.2f ms%s",
                requestsPerSecond,
                p50Millis,
                p99Millis,
                errors == 0 ? "" : ", errors: " + errorText);
    }
}
