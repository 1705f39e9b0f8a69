/**
 * The Java client of Hearth's Open Inference Protocol v2 API ({@link dev.hearth.serving.client.InferenceClient}) and
 * a closed-loop load generator on it; JDK {@code HttpClient} and Jackson only, nothing of the server's internals.
 */
package dev.hearth.serving.client;
