package dev.hearth.notebook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.hearth.notebook.kernel.KernelSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Executes every notebook in {@code notebooks/} headless with Jupyter's nbconvert on the {@code hearth} kernel, in
 * name order (02 and 03 use the store 01 fills); any failing cell fails the test. Needs Debian's
 * {@code jupyter-nbconvert}, which {@code bin/hearth test} installs.
 */
class NotebooksIT {
    private static final long TIMEOUT_MINUTES = 10;

    @Test
    void everyNotebookExecutes() throws Exception {
        Path root = Path.of(System.getProperty("hearth.root", ".."))
                .toAbsolutePath()
                .normalize();
        Path module = root.resolve("notebooks");
        Path target = module.resolve("target");
        requireJupyter();

        Path jupyterPath = target.resolve("jupyter");
        KernelSpec.forBuiltProject(root, "3g")
                .writeTo(jupyterPath.resolve("kernels").resolve(KernelSpec.NAME));
        Path store = target.resolve("notebook-store");
        deleteRecursively(store);
        Path executed = Files.createDirectories(target.resolve("executed"));

        List<Path> notebooks;
        try (Stream<Path> files = Files.list(module)) {
            notebooks = files.filter(f -> f.getFileName().toString().endsWith(".ipynb"))
                    .sorted()
                    .toList();
        }
        assertThat(notebooks)
                .extracting(p -> p.getFileName().toString())
                .contains(
                        "01-train-on-spark.ipynb",
                        "02-compare-and-promote.ipynb",
                        "03-query-the-service.ipynb",
                        "04-bring-your-own-model.ipynb");

        List<String> timings = new ArrayList<>();
        for (Path notebook : notebooks) {
            String name = notebook.getFileName().toString();
            Path log = executed.resolve(name.replace(".ipynb", ".log"));
            ProcessBuilder pb = new ProcessBuilder(
                            "jupyter",
                            "nbconvert",
                            "--to",
                            "notebook",
                            "--execute",
                            "--ExecutePreprocessor.timeout=600",
                            "--ExecutePreprocessor.kernel_name=" + KernelSpec.NAME,
                            "--output-dir",
                            executed.toString(),
                            notebook.toString())
                    .directory(module.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            pb.environment().put("JUPYTER_PATH", jupyterPath.toString());
            pb.environment().put("HEARTH_NOTEBOOK_STORE", store.toString());
            long started = System.nanoTime();
            Process p = pb.start();
            boolean finished = p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES);
            double seconds = (System.nanoTime() - started) / 1e9;
            if (!finished) {
                // Our nbconvert and the kernel JVM it started; nothing else.
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                fail(name + " did not finish in " + TIMEOUT_MINUTES + " minutes; log: " + log + "\n" + tail(log));
            }
            String line = String.format(Locale.ROOT, "%-32s %6.1f s  exit %d", name, seconds, p.exitValue());
            System.out.println("notebook " + line);
            timings.add(line);
            assertThat(p.exitValue())
                    .as("%s failed (log %s):%n%s", name, log, tail(log))
                    .isZero();
            assertThat(executed.resolve(name)).exists();
        }
        Files.write(executed.resolve("timings.txt"), timings);
    }

    private static void requireJupyter() throws InterruptedException {
        String hint = "jupyter nbconvert is not installed: run `bin/hearth test` (installs Debian's jupyter-nbconvert "
                + "jupyter-client jupyter-core python3-nbclient) or apt-get install them";
        try {
            Process p = new ProcessBuilder("jupyter", "nbconvert", "--version")
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(hint + " (jupyter nbconvert --version hung)");
            }
            if (p.exitValue() != 0) {
                fail(hint + " (jupyter nbconvert --version exited " + p.exitValue() + ")");
            }
        } catch (IOException e) {
            fail(hint + " (" + e.getMessage() + ")");
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
