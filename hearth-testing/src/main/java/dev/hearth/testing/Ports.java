package dev.hearth.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Random;

/** Free loopback ports for fixtures whose processes cannot be told to use port 0 (e.g. bin/hearth fleet's block). */
public final class Ports {
    private static final int ATTEMPTS = 50;

    private Ports() {}

    /**
     * The first of {@code count} consecutive ports that are free on 127.0.0.1 right now (between 20000 and 50000).
     *
     * @throws IOException when 50 random blocks were all partly taken
     */
    public static int freeBlock(int count) throws IOException {
        Random random = new Random();
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int base = 20000 + random.nextInt(30000);
            boolean free = true;
            for (int p = base; p < base + count && free; p++) {
                try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
                    s.setReuseAddress(true);
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) {
                return base;
            }
        }
        throw new IOException("no " + count + " consecutive free loopback ports found");
    }
}
