package dev.hearth.serving.http;

import io.javalin.http.ContentTooLargeResponse;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;

/**
 * An inference request's body as a stream, read as it arrives and never buffered whole. A declared
 * {@code Content-Length} above {@code server.max.body.bytes} is refused (413) before a byte is read, and one that
 * does not fit the in-flight budget now is refused at once (503); bodies of any framing (chunked too) are counted
 * as they arrive, refused past the limit, and every byte received is charged to the request's account.
 */
final class RequestBody extends InputStream {
    private final InputStream in;
    private final long maxBytes;
    private final RequestBytes account;
    private long received;

    private RequestBody(InputStream in, long maxBytes, RequestBytes account) {
        this.in = in;
        this.maxBytes = maxBytes;
        this.account = account;
    }

    /** The request's body; throws 413 or 503 from its declared length alone, before reading anything. */
    static InputStream open(Context ctx, long maxBytes, RequestBytes account) throws IOException {
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBytes) {
            throw tooLarge();
        }
        if (declared > 0) {
            account.expect(declared);
        }
        return new RequestBody(ctx.req().getInputStream(), maxBytes, account);
    }

    private static ContentTooLargeResponse tooLarge() {
        return new ContentTooLargeResponse();
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            counted(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = in.read(buffer, offset, length);
        if (n > 0) {
            counted(n);
        }
        return n;
    }

    private void counted(int n) {
        received += n;
        if (received > maxBytes) {
            throw tooLarge();
        }
        account.charge(n);
    }

    @Override
    public int available() throws IOException {
        return in.available();
    }

    /** The servlet container owns the stream and finishes the exchange itself. */
    @Override
    public void close() {}
}
