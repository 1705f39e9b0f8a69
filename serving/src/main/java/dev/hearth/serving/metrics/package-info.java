/** Prometheus metrics of the model server (Micrometer). */
package dev.hearth.serving.metrics;
