package dev.hearth.store;

/**
 * A stored file's checksum and size, recorded at publish time and checked on every load.
 *
 * @param sha256 lower-case hex SHA-256 of the file's bytes
 * @param size size in bytes
 */
public record FileEntry(String sha256, long size) {}
