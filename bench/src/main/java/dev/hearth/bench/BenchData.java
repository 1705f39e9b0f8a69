package dev.hearth.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The benchmark data: Fashion-MNIST train and test CSVs (label first), read once and shared by the benchmarks.
 * Full mode reads {@code fashion-mnist-train.csv.gz}/{@code fashion-mnist-test.csv.gz} from a directory; quick
 * mode uses the 4k/1k subsets bundled with the repository's tests, so it runs on a fresh clone.
 */
final class BenchData {
    private final Path trainFile;
    private final Path testFile;
    private final int rows;
    private LocalCsv train;
    private LocalCsv test;
    private Path subset;

    BenchData(Path trainFile, Path testFile, int rows) {
        this.trainFile = trainFile;
        this.testFile = testFile;
        this.rows = rows;
        for (Path p : new Path[] {trainFile, testFile}) {
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException("benchmark data file " + p + " does not exist (--data DIR must hold "
                        + "fashion-mnist-train.csv.gz and fashion-mnist-test.csv.gz)");
            }
        }
    }

    /** The full data set in {@code dir}, or its first {@code rows} training rows when rows > 0. */
    static BenchData full(Path dir, int rows) {
        return new BenchData(dir.resolve("fashion-mnist-train.csv.gz"), dir.resolve("fashion-mnist-test.csv.gz"), rows);
    }

    /** The subsets bundled with the repository (4,000 training and 1,000 test rows). */
    static BenchData bundled(Path root) {
        Path dir = root.resolve("spark-jobs/src/test/resources/dev/hearth/spark/fashion");
        return new BenchData(dir.resolve("fashion-train-4k.csv.gz"), dir.resolve("fashion-test-1k.csv.gz"), 0);
    }

    /** The training file Hearth reads (all rows, or a temporary CSV of the first {@code rows}). */
    synchronized Path trainFile() {
        if (rows <= 0) {
            return trainFile;
        }
        if (subset == null) {
            try {
                subset = Files.createTempFile("hearth-bench-train-" + rows + "-", ".csv");
                subset.toFile().deleteOnExit();
                train().writeCsv(subset);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return subset;
    }

    Path testFile() {
        return testFile;
    }

    /**
     * A new temporary copy of the test file, for Hearth to read as its validation set so that the validation metric
     * after every epoch is the test accuracy: the pipeline refuses one path as both validation and test (in a real
     * run that leaks held-out rows into model selection).
     */
    Path testAsValidation() throws IOException {
        Path copy = Files.createTempFile(
                "hearth-bench-test-as-validation-",
                testFile.getFileName().toString().endsWith(".gz") ? ".csv.gz" : ".csv");
        Files.copy(testFile, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        copy.toFile().deleteOnExit();
        return copy;
    }

    synchronized LocalCsv train() throws IOException {
        if (train == null) {
            train = LocalCsv.read(trainFile, rows);
        }
        return train;
    }

    synchronized LocalCsv test() throws IOException {
        if (test == null) {
            test = LocalCsv.read(testFile, 0);
        }
        return test;
    }
}
