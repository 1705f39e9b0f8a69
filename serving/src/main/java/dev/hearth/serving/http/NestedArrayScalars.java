package dev.hearth.serving.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * The scalars of a request's {@code data} array in order, whatever its nesting ({@code [1, 2]} and
 * {@code [[1], [2]]} alike), read from a parser whose opening bracket is already consumed. Tokens other than
 * brackets (numbers, but also strings or objects, which the readers report) are handed out as they come.
 */
final class NestedArrayScalars {
    private final JsonParser p;
    private int depth = 1;

    NestedArrayScalars(JsonParser p) {
        this.p = p;
    }

    /** The next token that is not a bracket, or null once the outermost array has closed. */
    JsonToken next() throws IOException {
        while (true) {
            JsonToken t = p.nextToken();
            if (t == JsonToken.START_ARRAY) {
                depth++;
            } else if (t == JsonToken.END_ARRAY) {
                if (--depth == 0) {
                    return null;
                }
            } else if (t == null) {
                // Jackson reports a body that ends inside an array itself; this only guards the loop.
                throw new BadRequestException("request body ends inside the 'data' array");
            } else {
                return t;
            }
        }
    }
}
