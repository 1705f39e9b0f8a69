package dev.hearth.bench.abuse;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Load 4: many raw connections, each trickling its request one byte about every second from one thread. Half
 * send nothing but a slow request head without a token; the other half send a complete head with a valid predict
 * token at once and then trickle the body, which pins whatever server thread blocks reading it. The server may
 * answer (e.g. 408) or close a connection; both end the trickle on it.
 */
final class SlowConnections {
    private static final int BODY_BYTES = 4096;
    private static final int OPEN_SECONDS = 30;

    /** One trickling connection: its channel, the bytes it sends and how far it got. */
    private static final class Conn {
        final SocketChannel channel;
        final byte[] bytes;
        int position;
        boolean done;
        final StringBuilder answer = new StringBuilder();

        Conn(SocketChannel channel, byte[] bytes, int position) {
            this.channel = channel;
            this.bytes = bytes;
            this.position = position;
        }
    }

    private final String host;
    private final int port;
    private final String model;
    private final String predictToken;

    SlowConnections(String host, int port, String model, String predictToken) {
        this.host = host;
        this.port = port;
        this.model = model;
        this.predictToken = predictToken;
    }

    /**
     * Opens {@code count} connections (at most {@value #OPEN_SECONDS} s for all), trickles for {@code duration},
     * then closes every one still open.
     */
    Map<String, Object> run(int count, Duration duration, StatusCounts answers) throws IOException {
        List<Conn> conns = new ArrayList<>();
        try (Selector selector = Selector.open()) {
            long t0 = System.nanoTime();
            openAll(count, selector, conns, answers);
            double openSeconds = (System.nanoTime() - t0) / 1e9;
            Trickle trickle = new Trickle(selector, answers);
            trickle.run(conns, duration);
            int open = 0;
            for (Conn c : conns) {
                if (!c.done) {
                    open++;
                }
                c.channel.close();
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("connections", count);
            m.put("connected", conns.size());
            m.put("openSeconds", openSeconds);
            m.put("closedByServer", trickle.closedByServer);
            m.put("openAtEnd", open);
            m.put("bytesTrickled", trickle.trickled);
            m.put(
                    "mix",
                    String.format(
                            Locale.ROOT,
                            "%d slow heads without a token, %d slow bodies with a valid"
                                    + " predict token (Content-Length %d)",
                            (conns.size() + 1) / 2,
                            conns.size() / 2,
                            BODY_BYTES));
            return m;
        } finally {
            for (Conn c : conns) {
                try {
                    c.channel.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        }
    }

    /** Opens up to {@code count} connections, alternating slow heads and slow bodies, within the open deadline. */
    private void openAll(int count, Selector selector, List<Conn> conns, StatusCounts answers) throws IOException {
        long openDeadline = System.nanoTime() + OPEN_SECONDS * 1_000_000_000L;
        for (int i = 0; i < count && System.nanoTime() < openDeadline; i++) {
            answers.sending();
            try {
                Conn c = open(i % 2 == 1);
                c.channel.register(selector, SelectionKey.OP_READ, c);
                conns.add(c);
            } catch (IOException e) {
                answers.failed(e);
            }
        }
    }

    /** One byte per connection about every second, spread evenly over the second; what the server answers is read. */
    private static final class Trickle {
        private final Selector selector;
        private final StatusCounts answers;
        private final ByteBuffer in = ByteBuffer.allocate(4096);
        int closedByServer;
        long trickled;

        Trickle(Selector selector, StatusCounts answers) {
            this.selector = selector;
            this.answers = answers;
        }

        void run(List<Conn> conns, Duration duration) {
            long end = System.nanoTime() + duration.toNanos();
            long spacing = Math.max(1, 1_000_000_000L / Math.max(1, conns.size()));
            while (System.nanoTime() < end) {
                long roundStart = System.nanoTime();
                for (int i = 0; i < conns.size() && System.nanoTime() < end; i++) {
                    LockSupport.parkNanos(roundStart + i * spacing - System.nanoTime());
                    send(conns.get(i));
                    if (i % 50 == 0) {
                        closedByServer += readAnswers(selector, in, answers);
                    }
                }
                closedByServer += readAnswers(selector, in, answers);
            }
        }

        private void send(Conn c) {
            if (!c.done && c.position < c.bytes.length) {
                try {
                    trickled += c.channel.write(ByteBuffer.wrap(c.bytes, c.position++, 1));
                } catch (IOException e) {
                    c.done = true;
                    closedByServer++;
                }
            }
        }
    }

    private Conn open(boolean slowBody) throws IOException {
        SocketChannel ch = SocketChannel.open();
        try {
            ch.socket().connect(new InetSocketAddress(host, port), 2_000);
            ch.configureBlocking(false);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        String head = "POST /v2/models/" + model + "/infer HTTP/1.1\r\nHost: " + host + ":" + port
                + "\r\nContent-Type: application/json\r\nContent-Length: " + BODY_BYTES + "\r\n"
                + (slowBody ? "Authorization: Bearer " + predictToken + "\r\n" : "") + "\r\n";
        byte[] bytes =
                (head + "{\"inputs\":[" + " ".repeat(BODY_BYTES - 12) + "]}").getBytes(StandardCharsets.US_ASCII);
        int position = 0;
        if (slowBody) {
            ByteBuffer h = ByteBuffer.wrap(bytes, 0, head.length());
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (h.hasRemaining() && System.nanoTime() < deadline) {
                ch.write(h);
            }
            position = h.position();
        }
        return new Conn(ch, bytes, position);
    }

    /** Reads what the server sent; counts each first status line and each close. Returns the closes seen. */
    private static int readAnswers(Selector selector, ByteBuffer in, StatusCounts answers) {
        int closed = 0;
        try {
            if (selector.selectNow() == 0) {
                return 0;
            }
        } catch (IOException e) {
            return 0;
        }
        for (SelectionKey key : selector.selectedKeys()) {
            Conn c = (Conn) key.attachment();
            in.clear();
            int n;
            try {
                n = c.channel.read(in);
            } catch (IOException e) {
                n = -1;
            }
            if (n > 0 && c.answer.length() < 512) {
                boolean first = c.answer.length() < 12;
                c.answer.append(new String(in.array(), 0, n, StandardCharsets.ISO_8859_1));
                if (first && c.answer.length() >= 12 && c.answer.toString().startsWith("HTTP/1.")) {
                    int status = Integer.parseInt(c.answer.substring(9, 12));
                    answers.answered(
                            status, c.answer.toString().toLowerCase(Locale.ROOT).contains("\r\nretry-after:"));
                    c.done = true;
                }
            }
            if (n < 0) {
                key.cancel();
                if (!c.done) {
                    closed++;
                }
                c.done = true;
            }
        }
        selector.selectedKeys().clear();
        return closed;
    }
}
