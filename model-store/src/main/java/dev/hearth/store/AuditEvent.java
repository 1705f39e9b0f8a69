package dev.hearth.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One immutable entry of a model's audit log: an alias move or removal, a rollback, or a version deletion.
 *
 * @param at ISO-8601 instant of the change
 * @param who user@host that made it, or the actor a caller named ({@link ModelStore#actingAs})
 * @param action {@link #ALIAS_SET}, {@link #ALIAS_REMOVE}, {@link #ROLLBACK}, {@link #DELETE} or {@link #GC}
 * @param model model name
 * @param alias the alias moved, or null for deletions
 * @param from the alias's previous target, or the deleted version; null when there was none
 * @param to the alias's new target; null when removed or for deletions
 * @param reason free text given by the caller
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"at", "who", "action", "model", "alias", "from", "to", "reason"})
public record AuditEvent(
        String at, String who, String action, String model, String alias, Integer from, Integer to, String reason) {
    /** An alias was set or moved. */
    public static final String ALIAS_SET = "alias-set";
    /** An alias was removed. */
    public static final String ALIAS_REMOVE = "alias-rm";
    /** An alias was returned to its previous target. */
    public static final String ROLLBACK = "rollback";
    /** A version was deleted on request. */
    public static final String DELETE = "delete";
    /** A version was deleted by garbage collection. */
    public static final String GC = "gc";
}
