/** The {@code hearth models} command line over the {@link dev.hearth.store.ModelStore} API; no store logic here. */
package dev.hearth.store.cli;
