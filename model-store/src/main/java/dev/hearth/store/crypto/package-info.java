/**
 * Envelope encryption of stored files: the chunked AES-256-GCM file format, its streams, and the data keys wrapped
 * by master keys from Hadoop's {@code KeyProvider} (a local keystore or a KMS). No file-system layout lives here
 * and no key material leaves it except as a {@link javax.crypto.SecretKey} held in memory.
 */
package dev.hearth.store.crypto;
