package dev.hearth.serving.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The blocks of a PEM file ({@code -----BEGIN X-----}, base64, {@code -----END X-----}), checked strictly so that
 * a truncated or mangled file is refused with its setting, path and line instead of failing somewhere inside a
 * parser. Text between blocks (such as openssl's "Bag Attributes") is ignored.
 */
final class PemFile {
    /** A PEM file is a few kilobytes; anything this large is not one. */
    private static final long MAX_BYTES = 1 << 20;

    private static final Pattern BEGIN = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----");
    private static final Pattern END = Pattern.compile("-----END ([A-Z0-9 ]+)-----");

    /**
     * One block.
     *
     * @param label the word(s) after BEGIN, e.g. {@code CERTIFICATE}
     * @param der the decoded content
     * @param line the 1-based line of its BEGIN
     */
    record Block(String label, byte[] der, int line) {}

    private PemFile() {}

    /**
     * Reads every block of {@code file}.
     *
     * @param setting the setting that named the file, for messages
     * @throws IllegalArgumentException naming the setting, the file, the line and the problem
     */
    static List<Block> read(String setting, Path file) {
        List<String> lines;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new IllegalArgumentException(
                        setting + " " + file + " is larger than " + MAX_BYTES + " bytes; it is not a PEM file");
            }
            lines = new String(Files.readAllBytes(file), StandardCharsets.US_ASCII)
                    .lines()
                    .toList();
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(setting + " " + file + " does not exist", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + setting + " " + file + ": " + e.getMessage(), e);
        }
        List<Block> blocks = new ArrayList<>();
        String label = null;
        int begin = 0;
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            Matcher b = BEGIN.matcher(line);
            Matcher e = END.matcher(line);
            if (b.matches()) {
                if (label != null) {
                    throw unterminated(setting, file, begin, label);
                }
                label = b.group(1);
                begin = i + 1;
                body.setLength(0);
            } else if (e.matches()) {
                if (label == null) {
                    throw new IllegalArgumentException(
                            setting + " " + file + " line " + (i + 1) + ": '" + line + "' has no BEGIN line before it");
                }
                if (!e.group(1).equals(label)) {
                    throw new IllegalArgumentException(setting + " " + file + " line " + (i + 1) + ": '" + line
                            + "' does not match '-----BEGIN " + label + "-----' on line " + begin);
                }
                blocks.add(new Block(label, decode(setting, file, begin, label, body.toString()), begin));
                label = null;
            } else if (label != null) {
                body.append(line);
            }
        }
        if (label != null) {
            throw unterminated(setting, file, begin, label);
        }
        if (blocks.isEmpty()) {
            throw new IllegalArgumentException(setting + " " + file + " holds no PEM block (-----BEGIN ...-----);"
                    + " if it is binary DER, convert it with openssl (x509 -inform der, or pkcs8 -inform der)");
        }
        return blocks;
    }

    private static IllegalArgumentException unterminated(String setting, Path file, int begin, String label) {
        return new IllegalArgumentException(setting + " " + file + " line " + begin + ": '-----BEGIN " + label
                + "-----' has no matching '-----END " + label + "-----' line (truncated file?)");
    }

    private static byte[] decode(String setting, Path file, int begin, String label, String base64) {
        // Headers such as "Proc-Type: 4,ENCRYPTED" (legacy encrypted keys) are not base64.
        if (base64.contains(":")) {
            throw new IllegalArgumentException(setting + " " + file + " line " + begin + ": the " + label
                    + " block has headers (an encrypted legacy key?); use an unencrypted PKCS#8 key");
        }
        try {
            byte[] der = Base64.getDecoder().decode(base64);
            if (der.length == 0) {
                throw new IllegalArgumentException("empty");
            }
            return der;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    setting + " " + file + " line " + begin + ": the " + label + " block is not valid base64 ("
                            + e.getMessage() + ")",
                    e);
        }
    }
}
