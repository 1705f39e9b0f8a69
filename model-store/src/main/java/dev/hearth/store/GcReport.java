package dev.hearth.store;

import java.util.List;

/**
 * The result of a garbage collection run.
 *
 * @param applied false for a dry run: nothing was deleted
 * @param candidates what was (or would be) deleted, with reasons
 * @param kept committed versions kept although the age/count policy would drop them, with the reason
 */
public record GcReport(boolean applied, List<GcCandidate> candidates, List<GcCandidate> kept) {
    /** Copies the lists. */
    public GcReport {
        candidates = List.copyOf(candidates);
        kept = List.copyOf(kept);
    }
}
