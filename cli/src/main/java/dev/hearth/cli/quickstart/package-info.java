/**
 * {@code hearth quickstart}: trains the example model, serves it and sends it one prediction, all through the same
 * commands and public client a user would run.
 */
package dev.hearth.cli.quickstart;
