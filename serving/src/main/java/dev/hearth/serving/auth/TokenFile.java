package dev.hearth.serving.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.format.DateTimeParseException;
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
import java.util.regex.Pattern;

/**
 * Bearer tokens stored as salted SHA-256 hashes, one line per token: {@code id salt hash scopes created expires}
 * ({@code expires} is an instant or {@code never}; lines written before expiry existed have no such field). A
 * token reads {@code hearth_<id>_<secret>}; the id finds the line, the hash proves the secret. The token itself
 * is shown once at creation and never stored or logged.
 *
 * <p>Every line is validated when the file is read, so a malformed file is refused with its line number instead of
 * failing a request later. Changes go through {@link TokenFileWriter}, which serialises writers with a lock file.
 */
public final class TokenFile {
    static final String PREFIX = "hearth_";
    static final String HEADER = "# Hearth serving tokens (salted SHA-256 hashes): id salt hash scopes created expires";
    /** How a token without expiry shows its expiry. */
    public static final String NEVER = "never";

    private static final Pattern ID = Pattern.compile("[0-9a-f]{4,64}");
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

    /**
     * One stored token.
     *
     * @param id public identifier (safe to log)
     * @param salt random salt, base64
     * @param hash SHA-256 of salt and token, hex
     * @param scopes granted scopes
     * @param created creation instant
     * @param expires when the token stops being accepted, or null for never
     */
    public record Entry(String id, String salt, String hash, Set<String> scopes, Instant created, Instant expires) {
        /** Whether the token is no longer accepted at {@code now}. */
        public boolean expiredAt(Instant now) {
            return expires != null && !now.isBefore(expires);
        }

        /** The line this entry is stored as. */
        String line() {
            return id + " " + salt + " " + hash + " " + String.join(",", scopes) + " " + created + " "
                    + (expires == null ? NEVER : expires.toString());
        }
    }

    /** An authenticated caller: the token's id (never the token), its scopes and its expiry (null: never). */
    public record Principal(String id, Set<String> scopes, Instant expires) {
        public boolean allows(String required) {
            return required == null || Scopes.allows(scopes, required);
        }

        /** Whether the token is no longer accepted at {@code now}. */
        public boolean expiredAt(Instant now) {
            return expires != null && !now.isBefore(expires);
        }
    }

    /** An entry with its salt and hash decoded once, at read time. */
    private record Verifier(Entry entry, byte[] salt, byte[] hash) {}

    private final Map<String, Verifier> entries;

    private TokenFile(Map<String, Verifier> entries) {
        this.entries = entries;
    }

    /** No tokens. */
    public static TokenFile empty() {
        return new TokenFile(Map.of());
    }

    /**
     * Reads and validates a token file; a missing file has no tokens.
     *
     * @throws IllegalArgumentException naming the file, the line and what is wrong with it
     */
    public static TokenFile read(Path file) {
        try {
            return parse(file, Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return empty();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read token file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Validates the content of {@code file}; see {@link #read}. */
    static TokenFile parse(Path file, byte[] content) {
        List<String> lines = new String(content, StandardCharsets.UTF_8).lines().toList();
        Map<String, Verifier> entries = new LinkedHashMap<>();
        Map<String, Integer> lineOf = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Verifier v = parseLine(file, i + 1, line);
            Integer previous = lineOf.putIfAbsent(v.entry().id(), i + 1);
            if (previous != null) {
                throw lineError(file, i + 1, "id " + v.entry().id() + " is already used on line " + previous);
            }
            entries.put(v.entry().id(), v);
        }
        return new TokenFile(Collections.unmodifiableMap(entries));
    }

    private static Verifier parseLine(Path file, int n, String line) {
        String[] f = line.split("\\s+");
        if (f.length != 5 && f.length != 6) {
            throw lineError(file, n, "must have 6 fields (id salt hash scopes created expires) but has " + f.length);
        }
        if (!ID.matcher(f[0]).matches()) {
            throw lineError(file, n, "id must be 4 to 64 lower-case hex digits but was '" + f[0] + "'");
        }
        byte[] salt;
        try {
            salt = Base64.getDecoder().decode(f[1]);
        } catch (IllegalArgumentException e) {
            throw lineError(file, n, "salt must be base64 (" + e.getMessage() + ")");
        }
        if (salt.length < 8) {
            throw lineError(file, n, "salt must decode to at least 8 bytes but has " + salt.length);
        }
        if (!HASH.matcher(f[2]).matches()) {
            throw lineError(
                    file,
                    n,
                    "hash must be 64 lower-case hex digits (SHA-256) but has " + f[2].length() + " characters"
                            + (f[2].chars().allMatch(c -> Character.digit(c, 16) >= 0) ? "" : " and non-hex"));
        }
        Set<String> scopes = new LinkedHashSet<>();
        for (String s : f[3].split(",")) {
            try {
                scopes.add(Scopes.validate(s));
            } catch (IllegalArgumentException e) {
                throw lineError(file, n, e.getMessage());
            }
        }
        Instant created = instant(file, n, "created", f[4]);
        Instant expires = f.length == 6 && !f[5].equals(NEVER) ? instant(file, n, "expires", f[5]) : null;
        Entry entry = new Entry(f[0], f[1], f[2], Collections.unmodifiableSet(scopes), created, expires);
        return new Verifier(entry, salt, HexFormat.of().parseHex(f[2]));
    }

    private static Instant instant(Path file, int n, String field, String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw lineError(
                    file,
                    n,
                    field + " must be an ISO-8601 instant (e.g. 2030-01-31T12:00:00Z)"
                            + (field.equals("expires") ? " or never" : "") + " but was '" + value + "'");
        }
    }

    private static IllegalArgumentException lineError(Path file, int line, String problem) {
        return new IllegalArgumentException("token file " + file + " line " + line + ": " + problem);
    }

    public int size() {
        return entries.size();
    }

    public List<Entry> entries() {
        return entries.values().stream().map(Verifier::entry).toList();
    }

    boolean contains(String id) {
        return entries.containsKey(id);
    }

    /**
     * The caller a token authenticates, empty when the token is unknown or wrong. Expiry is the caller's check
     * ({@link Principal#expiredAt}), so that only the holder of a real token learns that it expired.
     */
    public Optional<Principal> authenticate(String token) {
        if (token == null || !token.startsWith(PREFIX)) {
            return Optional.empty();
        }
        int sep = token.indexOf('_', PREFIX.length());
        if (sep < 0) {
            return Optional.empty();
        }
        Verifier v = entries.get(token.substring(PREFIX.length(), sep));
        if (v == null) {
            return Optional.empty();
        }
        Entry e = v.entry();
        return MessageDigest.isEqual(v.hash(), hash(v.salt(), token))
                ? Optional.of(new Principal(e.id(), e.scopes(), e.expires()))
                : Optional.empty();
    }

    /** Creates a token that never expires; see {@link #create(Path, List, Instant)}. */
    public static String create(Path file, List<String> scopes) throws IOException {
        return create(file, scopes, null);
    }

    /**
     * Creates a token with {@code scopes}, adds its hash to {@code file} (created with owner-only permissions
     * where the file system supports it) and returns the token, which exists nowhere else. Safe against
     * concurrent creates and revokes, in this and other processes.
     *
     * @param expires when the token stops being accepted, or null for never
     */
    public static String create(Path file, List<String> scopes, Instant expires) throws IOException {
        if (scopes.isEmpty()) {
            throw new IllegalArgumentException("a token needs at least one --scope");
        }
        scopes.forEach(Scopes::validate);
        SecureRandom random = new SecureRandom();
        return new TokenFileWriter(file).update(lines -> {
            TokenFile existing = parse(file, String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
            String id;
            do {
                id = HexFormat.of().formatHex(bytes(random, 6));
            } while (existing.contains(id));
            String token =
                    PREFIX + id + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(random, 32));
            byte[] salt = bytes(random, 16);
            Entry entry = new Entry(
                    id,
                    Base64.getEncoder().encodeToString(salt),
                    HexFormat.of().formatHex(hash(salt, token)),
                    new LinkedHashSet<>(scopes),
                    Instant.now(),
                    expires);
            if (lines.isEmpty()) {
                lines.add(HEADER);
            }
            lines.add(entry.line());
            return token;
        });
    }

    /** Removes the token with {@code id}; false when there is none. Safe against concurrent creates and revokes. */
    public static boolean revoke(Path file, String id) throws IOException {
        if (!Files.exists(file)) {
            return false;
        }
        return new TokenFileWriter(file).update(lines -> {
            List<String> kept = new ArrayList<>();
            boolean removed = false;
            for (String l : lines) {
                String[] f = l.strip().split("\\s+", 2);
                if (!l.strip().startsWith("#") && f[0].equals(id)) {
                    removed = true;
                } else {
                    kept.add(l);
                }
            }
            lines.clear();
            lines.addAll(kept);
            return removed;
        });
    }

    private static byte[] bytes(SecureRandom random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
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
