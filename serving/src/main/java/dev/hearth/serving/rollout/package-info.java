/**
 * Progressive rollout between versions of a served model: the canary split (a share of requests, sticky per routing
 * key, answered by another version), shadow runs (a copy of a request run on another version after the answer was
 * sent, outputs compared) and their agreement counts, kept per pair of versions and persisted per replica in the
 * store. No HTTP types here: the HTTP layer calls {@link dev.hearth.serving.rollout.Routing}.
 */
package dev.hearth.serving.rollout;
