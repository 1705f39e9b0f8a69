/**
 * The web console under {@code /console/}: server-rendered pages over the model store (through the
 * {@link dev.hearth.store.ModelStore} API only) and over the server's own metrics, sign-in with a bearer token into
 * an expiring session cookie, CSRF and Origin checks on every state change, and the manage actions (alias
 * compare-and-swap, rollback, tag). Static assets are plain ES modules and CSS from the jar. No model loading or
 * inference code lives here: the try-it page calls the server's own OIP v2 endpoint from the browser.
 */
package dev.hearth.serving.console;
