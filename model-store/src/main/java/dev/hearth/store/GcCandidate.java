package dev.hearth.store;

/**
 * Something garbage collection deletes (or would delete in a dry run), and why.
 *
 * @param model model name
 * @param version the version, or null for a staging leftover
 * @param path location in the store
 * @param reason why it goes, e.g. "abandoned staging directory older than PT1H"
 */
public record GcCandidate(String model, Integer version, String path, String reason) {}
