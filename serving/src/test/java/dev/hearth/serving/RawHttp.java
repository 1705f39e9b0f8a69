package dev.hearth.serving;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for requests a well-behaved client cannot send: a declared length with a body that
 * never comes, a body sent in part and held open, oversized chunked bodies. Responses are read while the body may
 * still be on its way (servers answer early), so writes that fail because the server stopped reading are ignored.
 */
public final class RawHttp implements AutoCloseable {
    /** A status, its headers (lower-case names) and body. */
    public record Response(int status, Map<String, String> headers, String body) {}

    private final Socket socket;
    private final OutputStream out;

    private RawHttp(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
    }

    /** Connects to the server at {@code url} ({@code http://host:port}); reads time out after {@code timeoutMillis}. */
    public static RawHttp connect(String url, int timeoutMillis) throws IOException {
        URI uri = URI.create(url);
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), timeoutMillis);
        socket.setSoTimeout(timeoutMillis);
        return new RawHttp(socket);
    }

    /** Sends a request head; {@code extraHeaders} are full lines such as {@code Content-Length: 10}. */
    public RawHttp head(String method, String path, String... extraHeaders) throws IOException {
        StringBuilder head = new StringBuilder(method)
                .append(' ')
                .append(path)
                .append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1\r\nContent-Type: application/json\r\n");
        for (String h : extraHeaders) {
            head.append(h).append("\r\n");
        }
        out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return this;
    }

    /** Sends part of a body; false when the server closed its side (it answered already). */
    public boolean send(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Sends {@code bytes} as one chunk of a chunked body; false when the server closed its side. */
    public boolean sendChunk(byte[] bytes) {
        return send((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII))
                && send(bytes)
                && send("\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    /** Reads the response (status line, headers, body by Content-Length or until the server closes). */
    public Response read() throws IOException {
        InputStream in = socket.getInputStream();
        String status = line(in);
        if (status == null) {
            throw new IOException("the server closed the connection without a response");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String l = line(in); l != null && !l.isEmpty(); l = line(in)) {
            int colon = l.indexOf(':');
            headers.put(
                    l.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    l.substring(colon + 1).trim());
        }
        byte[] body;
        if (headers.containsKey("content-length")) {
            body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
        } else {
            body = in.readAllBytes();
        }
        return new Response(Integer.parseInt(status.split(" ")[1]), headers, new String(body, StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                String s = line.toString(StandardCharsets.US_ASCII);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
