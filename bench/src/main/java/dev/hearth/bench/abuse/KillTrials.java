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
import java.util.concurrent.locks.ReentrantLock;

/**
 * Load 8: {@code bin/hearth models gc --apply} and {@code models delete} (child JVMs, as a user runs them) killed
 * with SIGKILL at random points while this process keeps moving an alias between the versions they remove. After
 * each kill the alias is resolved and its version read and verified through the store API; then a full garbage
 * collection runs (as the next scheduled {@code gc} would) and the alias is checked again. An aliased version
 * that is hidden (its directory is there without a commit marker) or deleted is a failure.
 *
 * <p>Three kinds of kill point. gc trials (which remove many versions) watch the version the alias points to and
 * kill the moment its commit marker is missing while its directory is there ("aliased version hidden"): the worst
 * moment for a removal that hides first and checks aliases after, and a correct store survives a kill at any point,
 * so at this one too; if that moment does not come, they kill at a random point in the second half of the removal
 * time measured in a calibration run. delete trials alternate "during removal" (a random point of the removal
 * time after the first commit marker disappears) and "random time" (anywhere from start to the calibrated end,
 * JVM start-up included). The alias mover moves half the time to the version removed next, where a move can fall
 * between the remover's alias check and its hiding of the version.
 */
final class KillTrials {
    private static final String ALIAS = "production";
    private static final int VERSIONS = 12;
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(2);

    private final HearthLauncher launcher;
    private final Path storeRoot;
    private final ModelStore store;
    private final Publishing publishing;
    private final byte[] zip;
    private final Random random;

    /** Where in a run the trial kills it. */
    private enum KillPoint {
        DURING_REMOVAL,
        ALIASED_VERSION_HIDDEN,
        RANDOM_TIME
    }

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
        System.out.printf(
                Locale.ROOT,
                "abuse: kill trials calibrated: gc first removal after %d ms, exit after %d ms;"
                        + " delete %d / %d ms%n",
                gc.firstMutationMs(),
                gc.totalMs(),
                delete.firstMutationMs(),
                delete.totalMs());
        List<Map<String, Object>> results = new ArrayList<>();
        int bad = 0;
        int killedInWork = 0;
        int killedAtWorst = 0;
        int killed = 0;
        for (int i = 0; i < trials; i++) {
            boolean isGc = i % 2 == 0;
            // gc removes many versions, so the worst moment is likely to come during its run; delete removes one.
            KillPoint point = isGc
                    ? KillPoint.ALIASED_VERSION_HIDDEN
                    : i % 4 == 1 ? KillPoint.DURING_REMOVAL : KillPoint.RANDOM_TIME;
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
        Process p = launcher.command(command(gc, name))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        long first = awaitFirstRemoval(p, name, RUN_TIMEOUT.toMillis());
        if (!p.waitFor(RUN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly().waitFor();
            throw new IOException(
                    "bin/hearth " + String.join(" ", command(gc, name)) + " did not finish within " + RUN_TIMEOUT);
        }
        long total = (System.nanoTime() - t0) / 1_000_000;
        return new Calibration(first < 0 ? total : (first - t0) / 1_000_000, total);
    }

    private Map<String, Object> trial(int i, boolean gc, Calibration cal, KillPoint point)
            throws IOException, InterruptedException {
        String name = "trial-" + (i + 1);
        prepare(name);
        AtomicLong moves = new AtomicLong();
        AliasMover mover = new AliasMover(name, moves);
        mover.start();
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("command", gc ? "models gc --apply" : "models delete " + name + "/2");
        long t0 = System.nanoTime();
        Process p = launcher.command(command(gc, name))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        long first = -1;
        String killPoint;
        boolean killed;
        if (point == KillPoint.RANDOM_TIME) {
            Thread.sleep((long) (random.nextDouble() * cal.totalMs()));
            killPoint = "random time";
            killed = freezeAndKill(p, mover);
        } else {
            first = awaitFirstRemoval(p, name, cal.totalMs() * 3);
            // The worst moment is watched for through most of the removal; the random point lies within it.
            double share =
                    point == KillPoint.ALIASED_VERSION_HIDDEN ? 0.5 + random.nextDouble() / 2 : random.nextDouble();
            long deadline = System.nanoTime() + (long) (share * cal.workMs() * 1_000_000);
            if (point == KillPoint.ALIASED_VERSION_HIDDEN && killWhenAliasedHidden(p, name, mover, deadline)) {
                killPoint = "aliased version hidden";
                killed = true;
            } else {
                long rest = deadline - System.nanoTime();
                if (rest > 0) {
                    TimeUnit.NANOSECONDS.sleep(rest);
                }
                killPoint = "during removal";
                killed = freezeAndKill(p, mover);
            }
        }
        p.waitFor(30, TimeUnit.SECONDS);
        long at = (System.nanoTime() - t0) / 1_000_000;
        mover.release();
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

    /** Freezes the mover (after its move in progress) and kills the process if it still runs; true if it did. */
    private static boolean freezeAndKill(Process p, AliasMover mover) {
        mover.freeze();
        boolean alive = p.isAlive();
        if (alive) {
            p.destroyForcibly();
        }
        return alive;
    }

    /** A fresh model with {@value #VERSIONS} versions and the alias on the oldest. */
    private void prepare(String name) {
        for (int v = 0; v < VERSIONS; v++) {
            publishing.publish(name, zip, "kill trial");
        }
        store.setAlias(name, ALIAS, 1, null, "abuse suite: alias on an old version");
    }

    private List<String> command(boolean gc, String name) {
        return gc
                ? List.of(
                        "models",
                        "--store",
                        storeRoot.toString(),
                        "gc",
                        "--apply",
                        "--keep-last",
                        "1",
                        "--keep-days",
                        "0",
                        "--grace-minutes",
                        "0")
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
     * its directory but no commit marker; the moment it has, kills the process with the mover frozen and returns
     * true (the mover stays frozen). Each look freezes the mover, so the alias cannot move while it is judged.
     */
    private boolean killWhenAliasedHidden(Process p, String name, AliasMover mover, long deadline) {
        while (System.nanoTime() < deadline && p.isAlive()) {
            if (mover.tryFreeze()) {
                int v = mover.current();
                Path dir = storeRoot.resolve(name).resolve("versions").resolve(Integer.toString(v));
                if (!Files.exists(dir.resolve("_COMMITTED")) && Files.isDirectory(dir)) {
                    p.destroyForcibly();
                    mover.halt();
                    return true;
                }
                mover.thaw();
            }
            LockSupport.parkNanos(50_000);
        }
        return false;
    }

    private boolean firstRemovalSeen(String name) {
        for (int v = 1; v < VERSIONS; v++) {
            if (!Files.exists(storeRoot
                    .resolve(name)
                    .resolve("versions")
                    .resolve(Integer.toString(v))
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
    /**
     * Moves the alias between the older versions every few milliseconds, as a compare-and-swap. Each move holds a
     * lock, so a trial can freeze the mover between moves: the alias must stay where the kill found it, or a move
     * right after the kill could take it off a version the kill left hidden and mask the failure.
     */
    private final class AliasMover extends Thread {
        private final String name;
        private final AtomicLong moves;
        private final Random own = new Random(random.nextLong());
        private final ReentrantLock lock = new ReentrantLock();
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
                lock.lock();
                try {
                    if (running) {
                        move();
                    }
                } finally {
                    lock.unlock();
                }
                try {
                    // Short: frequent moves make the race with the remover likely; long enough for a trial to
                    // freeze the mover between two moves.
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /**
         * Half the moves go to the lowest committed older version (the one gc or delete removes next, where a move
         * can fall between the remover's alias check and its hiding of the version), half to a random one.
         */
        private void move() {
            int target = own.nextBoolean() ? nextInLine() : 1 + own.nextInt(VERSIONS - 1);
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
        }

        private int nextInLine() {
            for (int v = 1; v < VERSIONS; v++) {
                if (v != current.get()
                        && Files.exists(storeRoot
                                .resolve(name)
                                .resolve("versions")
                                .resolve(Integer.toString(v))
                                .resolve("_COMMITTED"))) {
                    return v;
                }
            }
            return 1;
        }

        int current() {
            return current.get();
        }

        /** Waits for a move in progress and stops moving; the caller holds the lock until {@link #release}. */
        void freeze() {
            lock.lock();
            running = false;
        }

        /**
         * Holds the mover between moves if no move is in progress now; {@link #thaw} lets it go on, {@link #halt}
         * ends it.
         */
        boolean tryFreeze() {
            return lock.tryLock();
        }

        /** Ends a mover the caller froze: it makes no further move. */
        void halt() {
            running = false;
        }

        /** Undoes a {@link #tryFreeze} that found nothing: the mover goes on moving. */
        void thaw() {
            lock.unlock();
        }

        /** Lets a frozen mover go (it stops) and waits for it to end. */
        void release() throws InterruptedException {
            lock.unlock();
            join(10_000);
        }
    }
}
