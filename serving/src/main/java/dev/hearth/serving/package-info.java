/** The model server's entry point and configuration; wires the store, the model registry and the HTTP API. */
package dev.hearth.serving;
