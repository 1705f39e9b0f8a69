package dev.hearth.notebook.display;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.dflib.jjava.jupyter.kernel.display.DisplayDataRenderable;
import org.dflib.jjava.jupyter.kernel.display.RenderContext;

/** A PNG image; a cell ending in one shows it. */
public record Png(byte[] bytes) implements DisplayDataRenderable {
    public Png {
        if (bytes == null || bytes.length < 8 || bytes[1] != 'P' || bytes[2] != 'N' || bytes[3] != 'G') {
            throw new IllegalArgumentException("Png needs PNG bytes but got "
                    + (bytes == null ? "null" : bytes.length + " bytes without the PNG signature"));
        }
    }

    /** The image as base64, for {@code image/png} outputs and {@code data:} URLs. */
    public String base64() {
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** Writes the image to {@code file} (parent directories created); returns the file. */
    public Path save(Path file) {
        try {
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    @Override
    public void render(RenderContext context) {
        context.getOutputContainer().putData("image/png", base64());
        context.getOutputContainer().putText("<PNG image, " + bytes.length + " bytes>");
    }

    @Override
    public String toString() {
        return "Png[" + bytes.length + " bytes]";
    }
}
