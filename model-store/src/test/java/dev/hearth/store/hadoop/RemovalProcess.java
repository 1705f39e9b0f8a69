package dev.hearth.store.hadoop;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;

/**
 * A child process for {@link InterruptedRemovalIT}: deletes {@code name/version}, printing {@code checked} and
 * waiting for a go file after its first look at the leases, and printing {@code hidden} and stopping for good at
 * the re-check, where the parent kills it.
 */
public final class RemovalProcess {
    private RemovalProcess() {}

    /** Arguments: store root (a local path), model name, version, go file. */
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        String name = args[1];
        int version = Integer.parseInt(args[2]);
        Path go = Path.of(args[3]);
        Path hidden = root.resolve(name + "/versions/" + version + "/_HIDDEN");
        FaultyFileSystem fs = FaultyFileSystem.open(new Configuration());
        fs.fault((op, path) -> {
            if (!op.equals("listStatus")) {
                return;
            }
            try {
                if (path.getName().equals("leases") && !Files.exists(hidden)) {
                    say("checked");
                    while (!Files.exists(go)) {
                        Thread.sleep(10);
                    }
                } else if (path.getName().equals("aliases") && Files.exists(hidden)) {
                    say("hidden");
                    Thread.sleep(Long.MAX_VALUE);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        HadoopModelStore store = fs.store(root, new Configuration());
        store.delete(name, version, "removal process");
        say("deleted");
        System.exit(0);
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
