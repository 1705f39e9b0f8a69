/**
 * {@code hearth fleet start|stop|status|restart}: N server replicas on loopback ports behind HAProxy, recorded by
 * PID in a state directory so that later commands (and other JVMs) stop, inspect and restart them.
 */
package dev.hearth.cli.fleet;
