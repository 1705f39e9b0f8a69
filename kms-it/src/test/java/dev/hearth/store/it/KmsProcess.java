package dev.hearth.store.it;

import java.io.File;
import java.io.FileWriter;
import java.io.Writer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.crypto.key.kms.server.MiniKMS;

/**
 * A real Hadoop KMS (Hadoop's own {@code MiniKMS}: the KMS web application on an embedded Jetty) on a loopback port,
 * its keys in a jceks keystore in {@code confDir}. Runs in a JVM of its own ({@link KmsFixture}) because the KMS
 * needs Hadoop's unshaded jars, which would shadow the shaded client in the test JVM. Prints {@code KMS <url>} once
 * it serves, then runs until killed.
 */
public final class KmsProcess {
    private KmsProcess() {}

    public static void main(String[] args) throws Exception {
        File dir = new File(args[0]);
        int port = Integer.parseInt(args[1]);
        if (!new File(dir, "kms-site.xml").exists()) {
            Configuration c = new Configuration(false);
            c.set(
                    "hadoop.kms.key.provider.uri",
                    "jceks://file@" + new File(dir, "kms.keystore").toURI().getPath());
            c.set("hadoop.security.key.default.bitlength", "256");
            try (Writer w = new FileWriter(new File(dir, "kms-site.xml"))) {
                c.writeXml(w);
            }
        }
        MiniKMS kms = new MiniKMS.Builder().setKmsConfDir(dir).setPort(port).build();
        kms.start();
        System.out.println("KMS " + kms.getKMSUrl());
        System.out.flush();
        Thread.currentThread().join();
    }
}
