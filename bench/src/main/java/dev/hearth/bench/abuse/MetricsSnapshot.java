package dev.hearth.bench.abuse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * One {@code /metrics} scrape: its size and its series (a series is a sample line without its value, so a counter
 * that only counts up is the same series before and after). Growth is counted in series, not bytes: the text
 * also grows when a count gains a digit.
 *
 * @param bytes size of the scrape, -1 when the server did not answer
 * @param series the series in the scrape
 */
record MetricsSnapshot(long bytes, Set<String> series) {
    static final MetricsSnapshot NONE = new MetricsSnapshot(-1, Set.of());

    /** Parses a Prometheus text scrape; null text (no answer) gives {@link #NONE}. */
    static MetricsSnapshot of(String text) {
        if (text == null) {
            return NONE;
        }
        Set<String> series = new TreeSet<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            series.add(space > 0 ? line.substring(0, space) : line);
        }
        return new MetricsSnapshot(text.getBytes(StandardCharsets.UTF_8).length, series);
    }

    boolean available() {
        return bytes >= 0;
    }

    /** Series in {@code after} but not here, at most {@code limit} of them. */
    List<String> added(MetricsSnapshot after, int limit) {
        List<String> out = new ArrayList<>();
        for (String s : after.series) {
            if (!series.contains(s)) {
                out.add(s.length() > 200 ? s.substring(0, 200) + "..." : s);
                if (out.size() == limit) {
                    break;
                }
            }
        }
        return out;
    }
}
