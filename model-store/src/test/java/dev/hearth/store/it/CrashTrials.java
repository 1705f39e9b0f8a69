package dev.hearth.store.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.store.ModelVersion;
import dev.hearth.store.hadoop.HadoopModelStore;
import dev.hearth.store.testing.Drafts;
import dev.hearth.testing.ChildProcess;
import java.time.Duration;
import java.util.Random;

/** The steps every kill -9 publish trial takes, on whichever file system the store is on. */
final class CrashTrials {
    private CrashTrials() {}

    /**
     * Waits until the publishing child is {@code ready}, lets it publish for a seeded-random 50 to 1500 ms, kills it
     * with SIGKILL and returns how many versions it had reported committed.
     */
    static int killAtRandomMoment(ChildProcess child, Random random) throws InterruptedException {
        child.awaitLine("ready"::equals, Duration.ofSeconds(60));
        Thread.sleep(50 + random.nextInt(1450));
        child.kill();
        return (int)
                child.lines().stream().filter(l -> l.startsWith("published")).count();
    }

    /**
     * After a kill: the next publish of {@code big} succeeds and is listed; then every other version is deleted to
     * keep the disk small.
     */
    static void publishAfterKill(HadoopModelStore store, int trial) {
        ModelVersion next = store.publish("big", Drafts.text("after kill " + trial, 0.5));
        assertThat(store.readFile(next, "model.zip")).isNotEmpty();
        assertThat(store.listVersions("big")).extracting(ModelVersion::version).contains(next.version());
        for (ModelVersion v : store.listVersions("big")) {
            if (v.version() != next.version()) {
                store.delete("big", v.version(), "crash trial cleanup");
            }
        }
    }
}
