package dev.hearth.store;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A versioned store of trained models. Versions are numbered by the store, immutable once committed, never
 * reused, and every file carries a SHA-256 that is verified when read. Implementations must be safe to use from
 * several processes and machines at once.
 */
public interface ModelStore {

    /**
     * Publishes a new version of {@code name}: writes every file, records checksums, then commits atomically.
     * On failure nothing becomes visible.
     *
     * @return the committed version
     * @throws InvalidNameException if the name breaks {@link ModelNames#RULE}
     */
    ModelVersion publish(String name, ModelDraft draft);

    /** Names of all models with at least one committed version, sorted. */
    List<String> listModels();

    /** Committed versions of a model, ascending; empty when the model has none. */
    List<ModelVersion> listVersions(String name);

    /**
     * Resolves a reference ({@code name}, {@code name/N}, {@code name@alias}) to a committed version.
     *
     * @throws ModelNotFoundException when the model, version or alias does not exist
     */
    ModelVersion resolve(ModelRef ref);

    /**
     * Reads one file of a version, verifying its SHA-256 against the metadata.
     *
     * @throws IntegrityException when the bytes do not match
     * @throws ModelNotFoundException when the file is not part of the version
     */
    byte[] readFile(ModelVersion version, String file);

    /** A human-readable location of the store's root, for logs. */
    String root();

    /**
     * Points {@code alias} of model {@code name} at {@code version}, as a compare-and-swap: succeeds only if the
     * alias currently points to {@code expectedCurrent} ({@code null}: the alias must not exist or be removed).
     * The move is appended to the audit log.
     *
     * @param reason free text recorded in the audit log, may be null
     * @return the audit entry of the move
     * @throws VersionConflictException when the alias points elsewhere or another writer moved it meanwhile
     * @throws ModelNotFoundException when {@code version} is not a committed version
     * @throws InvalidNameException when the model name or alias breaks {@link ModelNames#RULE}
     */
    AuditEvent setAlias(String name, String alias, int version, Integer expectedCurrent, String reason);

    /**
     * Removes {@code alias}, as a compare-and-swap from {@code expectedCurrent}; recorded in the audit log.
     *
     * @throws VersionConflictException when the alias points elsewhere or moved meanwhile
     * @throws ModelNotFoundException when the alias does not exist
     */
    AuditEvent removeAlias(String name, String alias, int expectedCurrent, String reason);

    /**
     * Returns {@code alias} to the target it had before its last move; recorded in the audit log.
     *
     * @throws ModelNotFoundException when the alias has no previous target or that version is gone
     * @throws VersionConflictException when another writer moved the alias meanwhile
     */
    AuditEvent rollback(String name, String alias, String reason);

    /** Current aliases of a model and the versions they point to, sorted by alias. */
    Map<String, Integer> aliases(String name);

    /** Every move of {@code alias}, oldest first. */
    List<AuditEvent> aliasHistory(String name, String alias);

    /** The model's whole audit log (alias moves, removals, rollbacks, deletions), oldest first. */
    List<AuditEvent> auditLog(String name);

    /**
     * Deletes a committed version: its commit marker first (readers stop seeing it), then its files. The number
     * stays reserved and is never reused. Recorded in the audit log.
     *
     * @throws VersionConflictException when an alias points to it or an unexpired lease holds it
     * @throws ModelNotFoundException when it does not exist
     */
    AuditEvent delete(String name, int version, String reason);

    /**
     * Re-hashes every file of {@code version} against its metadata.
     *
     * @throws IntegrityException naming the first file whose bytes do not match
     */
    void verify(ModelVersion version);

    /**
     * Records that {@code holder} has {@code version} loaded, until now + {@code ttl}; replaces the holder's
     * earlier lease on this model. Garbage collection keeps leased versions.
     *
     * @return the lease written
     * @throws IllegalArgumentException when {@code ttl} is not above 0 and at most {@link Lease#MAX_TTL}
     */
    Lease writeLease(String name, String holder, int version, Duration ttl);

    /** Drops every lease {@code holder} has on model {@code name}; no-op when there is none. */
    void releaseLease(String name, String holder);

    /** Leases on a model, expired ones included. */
    List<Lease> leases(String name);

    /**
     * Garbage collection over all models: removes leftovers of crashed publishes older than the grace period
     * and committed versions the policy drops, never a version an alias points to or an unexpired lease holds.
     *
     * @param apply false for a dry run that only reports
     */
    GcReport gc(RetentionPolicy policy, boolean apply);

    /**
     * Takes the exclusive lock {@code purpose} (e.g. {@code retrain}) of model {@code name} for {@code ttl}. Works
     * across processes and machines; an expired lock (a crashed holder) is taken over.
     *
     * @param holder free text naming the holder, shown to whoever finds the lock held
     * @return the lock, to pass to {@link #releaseLock(StoreLock)}
     * @throws LockHeldException when an unexpired lock exists or another process took it at the same moment
     */
    StoreLock acquireLock(String name, String purpose, String holder, Duration ttl);

    /** Releases {@code lock} if it is still the caller's (not taken over after expiry); otherwise a no-op. */
    void releaseLock(StoreLock lock);

    /** The current lock {@code purpose} of model {@code name}, expired or not; null when there is none. */
    StoreLock currentLock(String name, String purpose);

    /**
     * This store as another actor uses it: audit entries written through the returned store (alias moves, removals,
     * rollbacks, deletions, recorded events) carry {@code actor} as their {@code who} instead of this process's
     * user@host, e.g. the web console acting for a token. Reads and everything else are unchanged.
     *
     * @param actor who acts, free text of 1 to 200 characters without control characters
     * @throws IllegalArgumentException when {@code actor} breaks that rule
     */
    ModelStore actingAs(String actor);

    /**
     * Appends a free-form event (e.g. a retrain decision) to the model's audit log.
     *
     * @param action a short kebab-case action name such as {@code retrain-rejected}
     * @param version the version the event is about
     * @param reason free text
     * @return the recorded event
     */
    AuditEvent recordEvent(String name, String action, int version, String reason);

    /**
     * Encrypts a plaintext version in place under the master key configured for its model
     * ({@code store.encryption.key.name} or its per-model override): same number, aliases and audit; committed by one
     * atomic metadata replacement, after which the plaintext files are removed. An encrypted version is returned as
     * it is (after removing plaintext an interrupted earlier run left). Recorded in the audit log.
     *
     * @return the version as it is now
     * @throws dev.hearth.store.KeyUnavailableException when no master key is configured or it cannot be used
     * @throws IntegrityException when a plaintext file does not match its recorded SHA-256 (nothing is changed)
     */
    default ModelVersion encrypt(ModelVersion version, String reason) {
        throw new UnsupportedOperationException("this store cannot encrypt versions");
    }

    /**
     * Re-wraps an encrypted version's data key under the current version of its master key (after a key roll), so
     * the old master key version can be retired; no file is rewritten. Plaintext versions and versions already
     * wrapped by the current key version are returned unchanged. Recorded in the audit log when something changed.
     *
     * @return the version as it is now
     * @throws dev.hearth.store.KeyUnavailableException when the master key cannot be used
     */
    default ModelVersion rekey(ModelVersion version, String reason) {
        throw new UnsupportedOperationException("this store cannot re-key versions");
    }
}
