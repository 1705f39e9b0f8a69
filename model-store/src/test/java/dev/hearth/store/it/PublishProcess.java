package dev.hearth.store.it;

import dev.hearth.store.ModelVersion;
import dev.hearth.store.hadoop.HadoopConfigurations;
import dev.hearth.store.hadoop.HadoopModelStore;
import dev.hearth.store.testing.Drafts;
import dev.hearth.testing.ChildProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A child process for the crash and concurrency ITs: publishes {@code count} versions of a seeded-random model
 * of {@code bytes} bytes into a store, printing {@code ready} once the store is open and {@code published N}
 * after each commit. Hadoop settings (S3A endpoint, multi-publisher mode) come from {@code $HADOOP_CONF_DIR}.
 */
public final class PublishProcess {
    private PublishProcess() {}

    /**
     * Starts this class in a small JVM with the test class path; output and errors go to {@code <id>.out} and
     * {@code <id>.err} in {@code logDir}. {@code HADOOP_CONF_DIR} is {@code hadoopConfDir} (its core-site.xml)
     * when not null.
     */
    static ChildProcess start(
            Path logDir, String id, String root, String name, int count, long bytes, long seed, Path hadoopConfDir) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Xshare:auto"));
        String root17 = System.getProperty("hearth.root");
        if (root17 != null && Files.exists(Path.of(root17, "conf/jvm17.args"))) {
            cmd.add("@" + Path.of(root17, "conf/jvm17.args"));
        }
        cmd.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                PublishProcess.class.getName(),
                root,
                name,
                Integer.toString(count),
                Long.toString(bytes),
                Long.toString(seed)));
        ChildProcess.Builder builder = ChildProcess.builder(id, cmd).logs(logDir);
        if (hadoopConfDir != null) {
            builder.env("HADOOP_CONF_DIR", hadoopConfDir.toString());
        }
        return builder.start();
    }

    /** As above without a Hadoop configuration directory. */
    static ChildProcess start(Path logDir, String id, String root, String name, int count, long bytes, long seed) {
        return start(logDir, id, root, name, count, bytes, seed, null);
    }

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
