package dev.hearth.store.it;

import dev.hearth.store.ModelVersion;
import dev.hearth.store.hadoop.HadoopModelStore;
import dev.hearth.store.testing.Drafts;
import dev.hearth.store.hadoop.HadoopConfigurations;

/**
 * A child process for the crash and concurrency ITs: publishes {@code count} versions of a seeded-random model
 * of {@code bytes} bytes into a store, printing {@code ready} once the store is open and {@code published N}
 * after each commit. Hadoop settings (S3A endpoint, multi-publisher mode) come from {@code $HADOOP_CONF_DIR}.
 */
public final class PublishProcess {
    private PublishProcess() {}

    /** Arguments: store root, model name, count, model bytes, seed. */
    public static void main(String[] args) {
        HadoopModelStore store = HadoopModelStore.open(args[0], HadoopConfigurations.load());
        String name = args[1];
        int count = Integer.parseInt(args[2]);
        long bytes = Long.parseLong(args[3]);
        long seed = Long.parseLong(args[4]);
        System.out.println("ready");
        System.out.flush();
        for (int i = 0; i < count; i++) {
            ModelVersion v = store.publish(name, Drafts.random(bytes, seed * 1000 + i));
            System.out.println("published " + v.version());
            System.out.flush();
        }
        System.exit(0);
    }
}
