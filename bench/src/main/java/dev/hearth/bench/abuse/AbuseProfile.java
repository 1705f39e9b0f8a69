package dev.hearth.bench.abuse;

/**
 * How long and how hard the abuse suite pushes.
 *
 * @param mode {@code full}, {@code quick} or {@code ci}, recorded with the results
 * @param loadSeconds how long each time-bounded hostile load runs
 * @param warmupSeconds well-behaved traffic before the first load (JIT, first metrics series)
 * @param afterSeconds well-behaved traffic alone after each load, to see that the server still serves
 * @param clients well-behaved clients (one thread and one HTTP connection each)
 * @param clientRate requests per second each well-behaved client sends
 * @param hostileThreads concurrent hostile HTTP senders per load
 * @param bombThreads concurrent senders of the shape and instances bombs (each bomb is one small request; what
 *     matters is how many the server holds at once)
 * @param hostileRate hostile requests per second per load, all senders together (an upper bound: a sender waits
 *     for each answer)
 * @param slowConnections raw connections trickling one byte per second
 * @param killTrials kill -9 trials of {@code models gc --apply} / {@code models delete}
 */
public record AbuseProfile(
        String mode,
        int loadSeconds,
        int warmupSeconds,
        int afterSeconds,
        int clients,
        double clientRate,
        int hostileThreads,
        int bombThreads,
        double hostileRate,
        int slowConnections,
        int killTrials) {

    /** {@code bench/run --only abuse}: 15 s per load, 1,000 slow connections, 20 kill trials (about 6 minutes). */
    public static AbuseProfile full() {
        return new AbuseProfile("full", 15, 10, 3, 8, 20, 8, 32, 400, 1000, 20);
    }

    /** {@code bench/run --quick --only abuse}: a few seconds per load (about 2 minutes). */
    public static AbuseProfile quick() {
        return new AbuseProfile("quick", 4, 3, 2, 8, 20, 8, 32, 400, 1000, 6);
    }

    /** {@code AbuseIT}: the same loads, shorter and smaller, so CI stays under about 3 minutes. */
    public static AbuseProfile ci() {
        return new AbuseProfile("ci", 3, 3, 2, 8, 20, 6, 32, 300, 600, 5);
    }

    public AbuseProfile {
        if (loadSeconds < 1
                || clients < 1
                || clientRate <= 0
                || hostileThreads < 1
                || bombThreads < 1
                || hostileRate <= 0
                || slowConnections < 1
                || killTrials < 1
                || afterSeconds < 1
                || warmupSeconds < 0) {
            throw new IllegalArgumentException("abuse profile values must be positive but were " + mode + ": "
                    + loadSeconds + " s per load, " + clients + " clients at " + clientRate + "/s, "
                    + hostileThreads + " hostile threads at " + hostileRate + "/s, " + bombThreads + " bomb threads, "
                    + slowConnections + " slow connections, " + killTrials + " kill trials, " + afterSeconds
                    + " s after, "
                    + warmupSeconds + " s warm-up");
        }
    }
}
