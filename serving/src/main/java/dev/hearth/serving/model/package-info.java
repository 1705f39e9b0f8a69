/**
 * Loading verified models from the store and running inference on them. No HTTP types here: the HTTP layer
 * depends on this package, never the reverse.
 */
package dev.hearth.serving.model;
