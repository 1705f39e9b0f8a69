package dev.hearth.store;

import java.util.List;

/**
 * Where serving replicas keep their shadow summaries: one file per replica and model, replaced whole on every write
 * (readers see the old or the new file), so any number of replicas write without coordination and a reader merges
 * them. A replica that restarts under the same name reads its file back and continues its counts.
 */
public interface ShadowSummaries {
    /** Replaces {@code summary.replica()}'s summary of {@code summary.model()}. */
    void write(ShadowSummary summary);

    /** Every replica's summary of {@code model}, by replica name; files that do not parse are skipped and logged. */
    List<ShadowSummary> read(String model);
}
