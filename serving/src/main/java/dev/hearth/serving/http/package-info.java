/**
 * The HTTP API (Open Inference Protocol v2): request parsing and validation, handlers per endpoint, and the one
 * place that maps exceptions to HTTP statuses.
 */
package dev.hearth.serving.http;
