package dev.hearth.bench;

import java.util.Map;

/**
 * One benchmark: measures Hearth and its baseline in the same run (alternating, after warm-up, repeated) and returns
 * JSON-ready results with the medians, ranges and the ratio.
 */
interface Benchmark {
    /** Short name, used by {@code --only} and as the key in the JSON results. */
    String name();

    /**
     * Whether {@code bench/run} without {@code --only} runs it; false for suites that are not baseline comparisons
     * and have their own CI test (the abuse suite).
     */
    default boolean inDefaultRun() {
        return true;
    }

    /** Runs the benchmark; the map is written as JSON (values: numbers, strings, {@link Stats}, lists, maps). */
    Map<String, Object> run() throws Exception;

    /** A Markdown section (heading, one-line set-up, table with the ratio) of a result for {@code bench/RESULTS.md}. */
    String markdown(Map<String, Object> result);
}
