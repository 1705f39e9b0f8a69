package dev.hearth.gadget;

import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A child JVM's view of deserialization: prints the JVM-wide filter, then, for each file argument, the class it
 * read or why it was refused. Run by {@code SerialFilterTest} with and without {@code @conf/jvm17.args}.
 */
public final class SerialProbe {
    private SerialProbe() {}

    public static void main(String[] args) throws Exception {
        System.out.println("filter " + ObjectInputFilter.Config.getSerialFilter());
        for (String file : args) {
            try (InputStream raw = Files.newInputStream(Path.of(file));
                    ObjectInputStream in = new ObjectInputStream(raw)) {
                System.out.println(
                        "read " + file + " " + in.readObject().getClass().getName());
            } catch (InvalidClassException e) {
                System.out.println("refused " + file + " " + e.getMessage());
            }
        }
    }
}
