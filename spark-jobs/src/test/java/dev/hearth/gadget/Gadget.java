package dev.hearth.gadget;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Stands in for a deserialization gadget: reading it runs code (it creates the file it names). Its package lies
 * outside the JVM-wide deserialization filter's allowlist ({@code conf/jvm17.args}), as a library gadget class would.
 */
public final class Gadget implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String marker;

    public Gadget(Path marker) {
        this.marker = marker.toString();
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        Files.writeString(Path.of(marker), "code ran while deserializing");
    }
}
