/**
 * The server's life under an orchestrator or a load balancer: draining on SIGTERM (readiness turns 503 first, the
 * server keeps answering for {@code server.drain.ms} so the balancer notices, then stops gracefully and exits 0).
 * No model loading here.
 */
package dev.hearth.serving.lifecycle;
