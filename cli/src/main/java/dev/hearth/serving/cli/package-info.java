/**
 * The server's command line apart from the server itself: {@code hearth tokens} (bearer tokens in the file format
 * serving's {@code TokenFile} owns).
 */
package dev.hearth.serving.cli;
