package dev.hearth.store.hadoop;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.store.ModelFormatException;
import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Small JSON documents of the store (alias entries, audit events, leases): serialise and read back. */
final class JsonFiles {
    private final FileSystem fs;
    private final ObjectMapper mapper;

    JsonFiles(FileSystem fs, ObjectMapper mapper) {
        this.fs = fs;
        this.mapper = mapper;
    }

    byte[] bytes(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new ModelFormatException("cannot serialise " + value, e);
        }
    }

    <T> T read(Path path, Class<T> type) throws IOException {
        byte[] bytes;
        try (InputStream in = fs.open(path)) {
            bytes = in.readAllBytes();
        }
        try {
            return mapper.readValue(bytes, type);
        } catch (IOException e) {
            throw new ModelFormatException(
                    "cannot read " + path + " as " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }
}
