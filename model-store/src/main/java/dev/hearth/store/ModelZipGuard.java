package dev.hearth.store;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Checks a DL4J {@code ModelSerializer} zip before anything restores it, so a model file cannot carry code or a
 * memory bomb into a server or a Spark job.
 *
 * <p>Why: DL4J 1.0.0-M2's {@code restoreMultiLayerNetwork} reads <em>every</em> entry of the zip into memory
 * ({@code ZipInputStream}, allocating the size an entry declares) and Java-deserializes a {@code preprocessor.bin}
 * entry when there is one. SHA-256 only proves the bytes are what the publisher recorded, not that Hearth wrote
 * them. So the guard walks the zip exactly as DL4J does (the local entry headers, in order, with the JDK's
 * {@link ZipInputStream}) and refuses:
 * <ul>
 *   <li>any entry whose name is not in the exact set Hearth writes ({@code ModelSerializer.writeModel} of a
 *       {@code MultiLayerNetwork} without normaliser: {@code configuration.json}, {@code coefficients.bin}, plus
 *       {@code updaterState.bin} in training checkpoints), directories and duplicate names included;</li>
 *   <li>a zip lacking {@code configuration.json} or {@code coefficients.bin};</li>
 *   <li>more uncompressed bytes, declared or actual, than {@link #MAX_EXPANSION} times the file (at least
 *       {@link #MIN_BUDGET_BYTES}): a trained network's float parameters barely compress, so only a bomb gets
 *       near.</li>
 *   <li>an array entry ({@code coefficients.bin}, {@code updaterState.bin}) whose header declares more elements
 *       than the entry holds: ND4J allocates the declared length off-heap before reading, so a few bytes could
 *       otherwise ask for terabytes ({@link NdArrayHeader}).</li>
 * </ul>
 * Callers check the very byte array they hand to DL4J ({@link #open}), never a second read of the file.
 */
public final class ModelZipGuard {
    /** JSON of the network configuration. */
    public static final String CONFIGURATION = "configuration.json";
    /** The flattened parameters ({@code Nd4j.write}). */
    public static final String COEFFICIENTS = "coefficients.bin";
    /** The updater (e.g. Adam moments) state; only training checkpoints keep it. */
    public static final String UPDATER_STATE = "updaterState.bin";
    /** Most uncompressed bytes per byte of zip; deflate can reach ~1000, Hearth's own zips stay near 1. */
    public static final int MAX_EXPANSION = 100;
    /** Uncompressed bytes any zip may expand to, however small it is (configuration JSON compresses ~10x). */
    public static final long MIN_BUDGET_BYTES = 1L << 20;

    /** What {@code model.zip} of a stored version may hold (written with {@code saveUpdater=false}). */
    public static final ModelZipGuard MODEL = new ModelZipGuard(List.of(CONFIGURATION, COEFFICIENTS));
    /** What a training checkpoint's network zip may hold (written with {@code saveUpdater=true}). */
    public static final ModelZipGuard CHECKPOINT =
            new ModelZipGuard(List.of(CONFIGURATION, COEFFICIENTS, UPDATER_STATE));

    private static final Set<String> REQUIRED = Set.of(CONFIGURATION, COEFFICIENTS);

    private final Set<String> allowed;

    private ModelZipGuard(List<String> allowed) {
        this.allowed = Set.copyOf(new LinkedHashSet<>(allowed));
    }

    /** The entry names this guard accepts. */
    public Set<String> allowedEntries() {
        return allowed;
    }

    /**
     * Checks {@code zip} and returns a stream over the same bytes for {@code ModelSerializer}.
     *
     * @param what names the file in errors, e.g. {@code "model.zip of digits/3"}
     * @throws ModelFormatException naming the offending entry or size
     */
    public InputStream open(byte[] zip, String what) {
        check(zip, what);
        return new ByteArrayInputStream(zip);
    }

    /**
     * Checks {@code zip} as described on the class.
     *
     * @param what names the file in errors, e.g. {@code "model.zip of digits/3"}
     * @throws ModelFormatException naming the offending entry or size
     */
    public void check(byte[] zip, String what) {
        long budget = Math.max(MIN_BUDGET_BYTES, (long) MAX_EXPANSION * zip.length);
        long expanded = 0;
        Set<String> seen = new HashSet<>();
        byte[] buf = new byte[1 << 16];
        byte[] head = new byte[NdArrayHeader.HEAD_BYTES];
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                String name = e.getName();
                if (!allowed.contains(name)) {
                    throw new ModelFormatException(what + " has entry '" + printable(name)
                            + "', which Hearth never writes; refusing to load it (allowed: " + sorted() + ")");
                }
                if (!seen.add(name)) {
                    throw new ModelFormatException(what + " has entry '" + name + "' twice; refusing to load it");
                }
                // DL4J allocates the declared size up front: refuse it before anything inflates.
                if (e.getSize() > budget - expanded) {
                    throw tooLarge(what, name, "declares", expanded + e.getSize(), budget, zip.length);
                }
                long entryBytes = 0;
                for (int n; (n = in.read(buf)) > 0; ) {
                    if (entryBytes < head.length) {
                        System.arraycopy(buf, 0, head, (int) entryBytes, (int) Math.min(n, head.length - entryBytes));
                    }
                    entryBytes += n;
                    expanded += n;
                    if (expanded > budget) {
                        throw tooLarge(what, name, "inflates to", expanded, budget, zip.length);
                    }
                }
                if (name.equals(COEFFICIENTS) || name.equals(UPDATER_STATE)) {
                    NdArrayHeader.check(
                            head, (int) Math.min(entryBytes, head.length), entryBytes, what + " entry '" + name + "'");
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            // IllegalArgumentException: an entry name that is not valid UTF-8.
            throw new ModelFormatException(what + " is not a readable zip: " + e.getMessage(), e);
        }
        for (String r : REQUIRED) {
            if (!seen.contains(r)) {
                throw new ModelFormatException(
                        what + " lacks entry '" + r + "' (it has " + seen + "); refusing to load it");
            }
        }
    }

    private static ModelFormatException tooLarge(
            String what, String entry, String verb, long bytes, long budget, int zipBytes) {
        return new ModelFormatException(what + ": entry '" + entry + "' " + verb + " " + bytes
                + " uncompressed bytes in total, more than the " + budget + " a " + zipBytes + "-byte zip may expand to"
                + " (" + MAX_EXPANSION + "x, at least " + MIN_BUDGET_BYTES + "); refusing to load it");
    }

    private String sorted() {
        return String.join(", ", allowed.stream().sorted().toList());
    }

    /** Entry names come from the file: keep control characters out of logs and messages. */
    private static String printable(String name) {
        StringBuilder b = new StringBuilder();
        name.codePoints().limit(200).forEach(c -> {
            if (Character.isISOControl(c)) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return name.length() > 200 ? b + "..." : b.toString();
    }
}
