/**
 * Access control: bearer tokens stored as salted hashes with their scopes and optional expiry, the locked writer
 * behind the {@code tokens} command, and the reloader that lets a running server follow the token file.
 */
package dev.hearth.serving.auth;
