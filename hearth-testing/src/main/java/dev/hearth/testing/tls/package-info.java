/**
 * {@link dev.hearth.testing.tls.SelfSignedKeystore}: throw-away TLS key material for tests (the JDK's keytool, PEM
 * encoding, a client context trusting only the test certificates).
 */
package dev.hearth.testing.tls;
