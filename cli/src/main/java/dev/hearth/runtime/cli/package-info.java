/**
 * The {@code hearth models} subcommands that run models ({@code import}, {@code export}), added to the store's
 * command line by {@link dev.hearth.runtime.cli.ModelsMain}; no serving and no Spark here.
 */
package dev.hearth.runtime.cli;
