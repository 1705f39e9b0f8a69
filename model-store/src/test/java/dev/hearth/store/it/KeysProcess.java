package dev.hearth.store.it;

import dev.hearth.store.ModelVersion;
import dev.hearth.store.crypto.EncryptionSettings;
import dev.hearth.store.hadoop.HadoopModelStore;
import org.apache.hadoop.conf.Configuration;

/**
 * Child JVM of {@link CrashKeysIT}: {@code encrypt} or {@code rekey} every version of a model, printing
 * {@code started} first and {@code done} last, to be killed with SIGKILL somewhere in between.
 */
public final class KeysProcess {
    private KeysProcess() {}

    public static void main(String[] args) {
        String action = args[0];
        Configuration conf = new Configuration();
        conf.set(EncryptionSettings.KEY_PROVIDER, args[2]);
        conf.set(EncryptionSettings.KEY_NAME, args[3]);
        HadoopModelStore store = HadoopModelStore.open(args[1], conf);
        var versions = store.listVersions(args[4]);
        System.out.println("started");
        System.out.flush();
        for (ModelVersion v : versions) {
            ModelVersion now =
                    action.equals("encrypt") ? store.encrypt(v, "crash trial") : store.rekey(v, "crash trial");
            System.out.println(v.ref() + " " + now.metadata().encryption().keyVersion());
        }
        System.out.println("done");
        System.out.flush();
    }
}
