package dev.hearth.bench.abuse;

import dev.hearth.store.IntegrityException;
import dev.hearth.store.ModelFiles;
import dev.hearth.store.ModelNotFoundException;
import dev.hearth.store.ModelRef;
import dev.hearth.store.ModelStore;
import dev.hearth.store.ModelStoreException;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.RetentionPolicy;
import dev.hearth.store.VersionConflictException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Load 8: {@code bin/hearth models gc --apply} and {@code models delete} (child JVMs, as a user runs them) killed
 * with SIGKILL at random points while this process keeps moving an alias between the versions they remove. After
 * each kill the alias is resolved and its version read and verified through the store API; then a full garbage
 * collection runs (as the next scheduled {@code gc} would) and the alias is checked again. An aliased version
 * that is hidden (its directory is there without a commit marker) or deleted is a failure.
 *
 * <p>Kill points rotate through three kinds. "During removal": the trial waits for the first commit marker to
 * disappear and kills after a random part of the removal time measured in a calibration run. "Aliased version
 * hidden": the same, but the trial also watches the version the alias points to and kills the moment its commit
 * marker is missing, the worst moment for a removal that hides first and checks aliases after (a correct store
 * survives a kill at any point, so also at this one); if that moment does not come before the random point, it
 * kills there. "Random time": anywhere between start and the calibrated end, JVM start-up included.
 */
final class KillTrials {
    private static final String ALIAS = "production";
    private static final int VERSIONS = 6;
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(2);

    private final HearthLauncher launcher;
    private final Path storeRoot;
    private final ModelStore store;
    private final Publishing publishing;
    private final byte[] zip;
    private final Random random;

    /** Where in a run the trial kills it. */
    private enum KillPoint { DURING_REMOVAL, ALIASED_VERSION_HIDDEN, RANDOM_TIME }

    /** Timing of an unkilled run: JVM start to the first removal, and the removal work to exit. */
    private record Calibration(long firstMutationMs, long totalMs) {
        long workMs() {
            return Math.max(20, totalMs - firstMutationMs);
        }
    }

    KillTrials(HearthLauncher launcher, Path storeRoot, Publishing publishing, byte[] zip, long seed) {
        this.launcher = launcher;
        this.storeRoot = storeRoot;
        this.store = publishing.store();
        this.publishing = publishing;
        this.zip = zip;
        this.random = new Random(seed);
    }

    /** Runs {@code trials} trials, alternating gc and delete. */
    Map<String, Object> run(int trials) throws IOException, InterruptedException {
        Calibration gc = calibrate(true);
        Calibration delete = calibrate(false);
        System.out.printf(Locale.ROOT, "abuse: kill trials calibrated: gc first removal after %d ms, exit after %d ms;"
                + " delete %d / %d ms%n", gc.firstMutationMs(), gc.totalMs(), delete.firstMutationMs(), delete.totalMs());
        List<Map<String, Object>> results = new ArrayList<>();
        int bad = 0;
        int killedInWork = 0;
        int killedAtWorst = 0;
        int killed = 0;
        for (int i = 0; i < trials; i++) {
            boolean isGc = i % 2 == 0;
            KillPoint point = switch (i % 4) {
                case 0 -> KillPoint.DURING_REMOVAL;
                case 3 -> KillPoint.RANDOM_TIME;
                default -> KillPoint.ALIASED_VERSION_HIDDEN;
            };
            Map<String, Object> t = trial(i, isGc, isGc ? gc : delete, point);
            results.add(t);
            if (Boolean.TRUE.equals(t.get("killed"))) {
                killed++;
                if (Boolean.TRUE.equals(t.get("removalStartedBeforeKill"))) {
                    killedInWork++;
                }
                if ("aliased version hidden".equals(t.get("killPoint"))) {
                    killedAtWorst++;
                }
            }
            if (!"ok".equals(t.get("aliasAfterKill")) || !"ok".equals(t.get("aliasAfterNextGc"))) {
                bad++;
            }
            System.out.printf(Locale.ROOT, "abuse: kill trial %d: %s%n", i + 1, t);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("trials", trials);
        m.put("killed", killed);
        m.put("killedDuringRemoval", killedInWork);
        m.put("killedWhileAliasedVersionHidden", killedAtWorst);
        m.put("aliasedVersionHiddenOrDeleted", bad);
        m.put("calibrationGcMs", Map.of("firstRemoval", gc.firstMutationMs(), "total", gc.totalMs()));
        m.put("calibrationDeleteMs", Map.of("firstRemoval", delete.firstMutationMs(), "total", delete.totalMs()));
        m.put("results", results);
        return m;
    }

    private Calibration calibrate(boolean gc) throws IOException, InterruptedException {
        String name = "calibrate-" + (gc ? "gc" : "delete");
        prepare(name);
        long t0 = System.nanoTime();
        Process p = launcher.command(command(gc, name)).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        long first = awaitFirstRemoval(p, name, RUN_TIMEOUT.toMillis());
        if (!p.waitFor(RUN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly().waitFor();
            throw new IOException("bin/hearth " + String.join(" ", command(gc, name)) + " did not finish within "
                    + RUN_TIMEOUT);
        }
        long total = (System.nanoTime() - t0) / 1_000_000;
        return new Calibration(first < 0 ? total : (first - t0) / 1_000_000, total);
    }

    private Map<String, Object> trial(int i, boolean gc, Calibration cal, KillPoint point) throws IOException,
            InterruptedException {
        String name = "trial-" + (i + 1);
        prepare(name);
        AtomicLong moves = new AtomicLong();
        AliasMover mover = new AliasMover(name, moves);
        mover.start();
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("command", gc ? "models gc --apply" : "models delete " + name + "/2");
        long t0 = System.nanoTime();
        Process p = launcher.command(command(gc, name)).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        long first = -1;
        String killPoint;
        if (point == KillPoint.RANDOM_TIME) {
            Thread.sleep((long) (random.nextDouble() * cal.totalMs()));
            killPoint = "random time";
        } else {
            first = awaitFirstRemoval(p, name, cal.totalMs() * 3);
            long deadline = System.nanoTime() + (long) (random.nextDouble() * cal.workMs() * 1_000_000);
            killPoint = "during removal";
            if (point == KillPoint.ALIASED_VERSION_HIDDEN && awaitAliasedHidden(p, name, mover, deadline)) {
                killPoint = "aliased version hidden";
            } else {
                long rest = deadline - System.nanoTime();
                if (rest > 0) {
                    TimeUnit.NANOSECONDS.sleep(rest);
                }
            }
        }
        boolean killed = p.isAlive();
        if (killed) {
            p.destroyForcibly();
        }
        p.waitFor(30, TimeUnit.SECONDS);
        long at = (System.nanoTime() - t0) / 1_000_000;
        mover.stopAndJoin();
        t.put("killPoint", killPoint);
        t.put("killed", killed);
        t.put("killedAfterMs", at);
        t.put("removalStartedBeforeKill", first > 0 || firstRemovalSeen(name));
        t.put("exitCode", p.isAlive() ? null : p.exitValue());
        t.put("aliasMoves", moves.get());
        t.put("aliasAfterKill", check(name));
        try {
            store.gc(new RetentionPolicy(1, Duration.ZERO, Duration.ZERO), true);
            t.put("aliasAfterNextGc", check(name));
        } catch (ModelStoreException e) {
            t.put("aliasAfterNextGc", "gc failed: " + e.getMessage());
        }
        return t;
    }

    /** A fresh model with {@value #VERSIONS} versions and the alias on the oldest. */
    private void prepare(String name) {
        for (int v = 0; v < VERSIONS; v++) {
            publishing.publish(name, zip, "kill trial");
        }
        store.setAlias(name, ALIAS, 1, null, "abuse suite: alias on an old version");
    }

    private List<String> command(boolean gc, String name) {
        return gc ? List.of("models", "--store", storeRoot.toString(), "gc", "--apply", "--keep-last", "1",
                "--keep-days", "0", "--grace-minutes", "0")
                : List.of("models", "--store", storeRoot.toString(), "delete", name + "/2", "--reason", "abuse suite");
    }

    /** Waits until a commit marker of the model's older versions is gone; its nanoTime, or -1 at the timeout. */
    private long awaitFirstRemoval(Process p, String name, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (System.nanoTime() < deadline && p.isAlive()) {
            if (firstRemovalSeen(name)) {
                return System.nanoTime();
            }
            Thread.sleep(1);
        }
        return firstRemovalSeen(name) ? System.nanoTime() : -1;
    }

    /**
     * Polls, until {@code deadline} (nanoTime) or the process exits, whether the version the alias points to has
     * its directory but no commit marker; true the moment it has.
     */
    private boolean awaitAliasedHidden(Process p, String name, AliasMover mover, long deadline) {
        while (System.nanoTime() < deadline && p.isAlive()) {
            int v = mover.current();
            Path dir = storeRoot.resolve(name).resolve("versions").resolve(Integer.toString(v));
            if (!Files.exists(dir.resolve("_COMMITTED")) && Files.isDirectory(dir)) {
                return true;
            }
            LockSupport.parkNanos(50_000);
        }
        return false;
    }

    private boolean firstRemovalSeen(String name) {
        for (int v = 1; v < VERSIONS; v++) {
            if (!Files.exists(storeRoot.resolve(name).resolve("versions").resolve(Integer.toString(v))
                    .resolve("_COMMITTED"))) {
                return true;
            }
        }
        return false;
    }

    /** "ok", or what is wrong with the alias's version: hidden, deleted, corrupt, unreadable. */
    private String check(String name) {
        Map<String, Integer> aliases;
        try {
            aliases = store.aliases(name);
        } catch (ModelStoreException e) {
            return "aliases unreadable: " + e.getMessage();
        }
        Integer target = aliases.get(ALIAS);
        if (target == null) {
            return "alias missing";
        }
        Path dir = storeRoot.resolve(name).resolve("versions").resolve(Integer.toString(target));
        try {
            ModelVersion v = store.resolve(ModelRef.ofAlias(name, ALIAS));
            store.readFile(v, ModelFiles.MODEL_FILE);
            store.verify(v);
            return "ok";
        } catch (ModelNotFoundException e) {
            return (Files.isDirectory(dir) ? "hidden: " : "deleted: ") + name + "/" + target;
        } catch (IntegrityException e) {
            return "corrupt: " + name + "/" + target + ": " + e.getMessage();
        } catch (ModelStoreException e) {
            return "unreadable: " + name + "/" + target + ": " + e.getMessage();
        }
    }

    /** Moves the alias between the older versions every few milliseconds, as a compare-and-swap. */
    private final class AliasMover extends Thread {
        private final String name;
        private final AtomicLong moves;
        private final Random own = new Random(random.nextLong());
        /** The version the alias points to, as far as this mover set it (prepare puts it on 1). */
        private final AtomicInteger current = new AtomicInteger(1);
        private volatile boolean running = true;

        AliasMover(String name, AtomicLong moves) {
            super("abuse-alias-mover");
            setDaemon(true);
            this.name = name;
            this.moves = moves;
        }

        @Override
        public void run() {
            while (running) {
                int target = 1 + own.nextInt(VERSIONS - 1);
                try {
                    Integer now = store.aliases(name).get(ALIAS);
                    if (now == null || now != target) {
                        store.setAlias(name, ALIAS, target, now, "abuse suite: alias moves during gc/delete");
                        current.set(target);
                        moves.incrementAndGet();
                    }
                } catch (VersionConflictException | ModelNotFoundException e) {
                    // moved meanwhile, or the target is hidden or gone: the store refused, as it should
                } catch (ModelStoreException e) {
                    // a transient read of a file being replaced; try again
                }
                try {
                    Thread.sleep(3);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        int current() {
            return current.get();
        }

        void stopAndJoin() throws InterruptedException {
            running = false;
            join(10_000);
        }
    }
}
