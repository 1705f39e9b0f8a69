package dev.hearth.serving.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Bearer tokens stored as salted SHA-256 hashes, one line per token: {@code id salt hash scopes created}. A
 * token reads {@code hearth_<id>_<secret>}; the id finds the line, the hash proves the secret. The token itself
 * is shown once at creation and never stored or logged.
 */
public final class TokenFile {
    private static final String PREFIX = "hearth_";

    /**
     * One stored token.
     *
     * @param id public identifier (safe to log)
     * @param salt random salt, base64
     * @param hash SHA-256 of salt and token, hex
     * @param scopes granted scopes
     * @param created ISO-8601 creation instant
     */
    public record Entry(String id, String salt, String hash, Set<String> scopes, String created) {}

    /** An authenticated caller: the token's id (never the token) and its scopes. */
    public record Principal(String id, Set<String> scopes) {
        public boolean allows(String required) {
            return required == null || Scopes.allows(scopes, required);
        }
    }

    private final Map<String, Entry> entries;

    private TokenFile(Map<String, Entry> entries) {
        this.entries = entries;
    }

    /** Reads a token file; a missing file has no tokens. */
    public static TokenFile read(Path file) {
        Map<String, Entry> entries = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return new TokenFile(entries);
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read token file " + file + ": " + e.getMessage(), e);
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\\s+");
            if (f.length != 5) {
                throw new IllegalArgumentException("token file " + file + " line " + (i + 1)
                        + " must have 5 fields (id salt hash scopes created) but has " + f.length);
            }
            Set<String> scopes = new LinkedHashSet<>();
            for (String s : f[3].split(",")) {
                scopes.add(Scopes.validate(s));
            }
            entries.put(f[0], new Entry(f[0], f[1], f[2], Collections.unmodifiableSet(scopes), f[4]));
        }
        return new TokenFile(entries);
    }

    public int size() {
        return entries.size();
    }

    public List<Entry> entries() {
        return List.copyOf(entries.values());
    }

    /** The caller a token authenticates, empty when the token is unknown or wrong. */
    public Optional<Principal> authenticate(String token) {
        if (token == null || !token.startsWith(PREFIX)) {
            return Optional.empty();
        }
        int sep = token.indexOf('_', PREFIX.length());
        if (sep < 0) {
            return Optional.empty();
        }
        Entry e = entries.get(token.substring(PREFIX.length(), sep));
        if (e == null) {
            return Optional.empty();
        }
        byte[] expected = HexFormat.of().parseHex(e.hash());
        byte[] actual = hash(Base64.getDecoder().decode(e.salt()), token);
        return MessageDigest.isEqual(expected, actual) ? Optional.of(new Principal(e.id(), e.scopes()))
                : Optional.empty();
    }

    /**
     * Creates a token with {@code scopes}, appends its hash to {@code file} (created with owner-only permissions
     * where the file system supports it) and returns the token, which exists nowhere else.
     */
    public static String create(Path file, List<String> scopes) throws IOException {
        if (scopes.isEmpty()) {
            throw new IllegalArgumentException("a token needs at least one --scope");
        }
        scopes.forEach(Scopes::validate);
        TokenFile existing = read(file);
        String id;
        do {
            id = HexFormat.of().formatHex(random(6));
        } while (existing.entries.containsKey(id));
        String token = PREFIX + id + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random(32));
        byte[] salt = random(16);
        String line = id + " " + Base64.getEncoder().encodeToString(salt) + " "
                + HexFormat.of().formatHex(hash(salt, token)) + " " + String.join(",", scopes) + " " + Instant.now();
        List<String> lines = new ArrayList<>();
        if (Files.exists(file)) {
            lines.addAll(Files.readAllLines(file, StandardCharsets.UTF_8));
        } else {
            lines.add("# Hearth serving tokens (salted SHA-256 hashes): id salt hash scopes created");
        }
        lines.add(line);
        write(file, lines);
        return token;
    }

    /** Removes the token with {@code id}; false when there is none. */
    public static boolean revoke(Path file, String id) throws IOException {
        if (!Files.exists(file)) {
            return false;
        }
        List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        boolean removed = lines.removeIf(l -> l.strip().startsWith(id + " "));
        if (removed) {
            write(file, lines);
        }
        return removed;
    }

    private static void write(Path file, List<String> lines) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".tokens", ".tmp");
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: keep the default permissions
        }
        Files.write(tmp, lines, StandardCharsets.UTF_8);
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }

    private static byte[] hash(byte[] salt, String token) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(salt);
            return d.digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
