package dev.hearth.serving.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A plain socket speaking HTTP/1.1 by hand, for what a polite client never does: trickling bytes, holding
 * connections open, sending plain text to a TLS port.
 */
public final class RawClient implements AutoCloseable {
    private final Socket socket;

    public RawClient(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setTcpNoDelay(true);
    }

    /** A complete GET with keep-alive. */
    public static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    }

    public void send(String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    /**
     * The status line and headers of the next response, waiting at most {@code timeoutMillis}; null when the
     * server closed the connection first.
     *
     * @throws SocketTimeoutException when nothing complete arrived in time
     */
    public String readHead(int timeoutMillis) throws IOException {
        socket.setSoTimeout(timeoutMillis);
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                return head.size() == 0 ? null : head.toString(StandardCharsets.US_ASCII);
            }
            head.write(b);
            String s = head.toString(StandardCharsets.US_ASCII);
            if (s.endsWith("\r\n\r\n")) {
                return s;
            }
        }
    }

    /** Reads and discards a response body of {@code length} bytes. */
    public void skip(int length) throws IOException {
        socket.getInputStream().readNBytes(length);
    }

    /** A complete response: head then its Content-Length body; returns the status code, or -1 when closed. */
    public int exchange(String request, int timeoutMillis) throws IOException {
        send(request);
        String head = readHead(timeoutMillis);
        if (head == null) {
            return -1;
        }
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                skip(Integer.parseInt(line.substring(15).strip()));
            }
        }
        return Integer.parseInt(head.split(" ")[1]);
    }

    /**
     * Whether the server closed the connection within {@code timeoutMillis} (anything it sent first, such as a
     * 408, is read and ignored).
     */
    public boolean closedWithin(int timeoutMillis) throws IOException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        InputStream in = socket.getInputStream();
        byte[] buf = new byte[4096];
        while (true) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return false;
            }
            socket.setSoTimeout((int) left);
            try {
                if (in.read(buf) < 0) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true; // reset by the server
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /**
     * Starts a daemon thread that writes one byte a second to every client until {@code stop} is set (writes to
     * connections the server cut off fail quietly: cutting them off is what slow-client tests look for).
     */
    public static Thread trickle(List<RawClient> clients, AtomicBoolean stop) {
        Thread t = new Thread(
                () -> {
                    while (!stop.get()) {
                        for (RawClient c : clients) {
                            try {
                                c.send("x");
                            } catch (IOException e) {
                                // cut off by the server: the point of the caller's test
                            }
                        }
                        try {
                            Thread.sleep(1000);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                },
                "trickle");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /**
     * Opens {@code n} connections to {@code port}, each sending a GET of {@code path} and the start of a header
     * line it never finishes, adding each to {@code into} as soon as it is open (so the caller can close them all).
     */
    public static void openSlowHeads(List<RawClient> into, int port, int n, String path) throws IOException {
        for (int i = 0; i < n; i++) {
            RawClient c = new RawClient(port);
            c.send("GET " + path + " HTTP/1.1\r\nX-Slow: ");
            into.add(c);
        }
    }

    /** Asserts the server cut off every one of {@code slow}, all within 8 seconds of this call. */
    public static void assertAllCutOff(List<RawClient> slow) throws IOException {
        long start = System.nanoTime();
        for (RawClient c : slow) {
            assertThat(c.closedWithin(8_000)).as("slow head cut off").isTrue();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
    }
}
