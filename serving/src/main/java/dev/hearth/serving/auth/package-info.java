/** Access control: bearer tokens stored as salted hashes, their scopes, and the {@code tokens} command. */
package dev.hearth.serving.auth;
