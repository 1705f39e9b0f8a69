package dev.hearth.notebook.kernel;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the Jupyter kernelspec ({@code kernel.json}) of the {@code hearth} kernel: this JDK's java, the project's
 * Java 17 {@code --add-opens} args file, Spark bound to loopback, and the notebooks module's classpath.
 *
 * @param java the java executable
 * @param hearthRoot the project's root directory (holds {@code conf/})
 * @param classpath the kernel JVM's classpath entries
 * @param heap the kernel JVM's maximum heap, e.g. {@code 2g}
 */
public record KernelSpec(Path java, Path hearthRoot, List<String> classpath, String heap) {
    /** The kernelspec's name: {@code jupyter kernelspec install DIR --name hearth}. */
    public static final String NAME = "hearth";

    /**
     * The spec for a built project: {@code notebooks/target/classes} plus {@code notebooks/target/classpath.txt}
     * (written by {@code mvn package}), run by the JDK running this code.
     */
    public static KernelSpec forBuiltProject(Path hearthRoot, String heap) {
        Path target = hearthRoot.resolve("notebooks/target");
        Path cpFile = target.resolve("classpath.txt");
        List<String> cp = new ArrayList<>();
        cp.add(target.resolve("classes").toString());
        try {
            for (String e : Files.readString(cpFile).strip().split(File.pathSeparator)) {
                if (!e.isBlank()) {
                    cp.add(e);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "no kernel classpath at " + cpFile + ": build the notebooks module first "
                            + "(mvn -pl notebooks -am package)",
                    e);
        }
        return new KernelSpec(Path.of(System.getProperty("java.home"), "bin", "java"), hearthRoot, cp, heap);
    }

    /** The kernel.json content. */
    public Map<String, Object> json() {
        Path conf = hearthRoot.resolve("conf");
        List<String> argv = new ArrayList<>(List.of(
                java.toString(),
                "@" + conf.resolve("jvm17.args"),
                "-Xmx" + heap,
                "-Djava.awt.headless=true",
                "-Dhearth.root=" + hearthRoot,
                "-Dlog4j2.configurationFile=" + conf.resolve("log4j2.properties"),
                "-Dspark.driver.host=127.0.0.1",
                // ND4J allocates off-heap: cap it so a notebook cannot take the machine.
                "-Dorg.bytedeco.javacpp.maxbytes=3G",
                "-Dorg.bytedeco.javacpp.maxphysicalbytes=6G",
                "-cp",
                String.join(File.pathSeparator, classpath),
                HearthKernel.class.getName(),
                "{connection_file}"));
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.put("OMP_NUM_THREADS", "1");
        env.put("HEARTH_HOME", hearthRoot.toString());
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("argv", argv);
        spec.put("display_name", "Java (Hearth)");
        spec.put("language", "java");
        spec.put("interrupt_mode", "message");
        spec.put("env", env);
        return spec;
    }

    /** Writes {@code dir/kernel.json}; returns {@code dir}. */
    public Path writeTo(Path dir) {
        try {
            Files.createDirectories(dir);
            new ObjectMapper()
                    .writerWithDefaultPrettyPrinter()
                    .writeValue(dir.resolve("kernel.json").toFile(), json());
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write kernelspec into " + dir, e);
        }
    }

    /** {@code KernelSpec OUT_DIR HEARTH_ROOT [HEAP]}: writes the kernelspec directory for a built project. */
    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: KernelSpec OUT_DIR HEARTH_ROOT [HEAP (default 3g)]");
            System.exit(2);
        }
        Path root = Path.of(args[1]).toAbsolutePath().normalize();
        Path dir = forBuiltProject(root, args.length > 2 ? args[2] : "3g").writeTo(Path.of(args[0]));
        System.out.println(dir.toAbsolutePath());
    }
}
