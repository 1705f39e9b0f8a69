/** End-to-end tests over the packaged jars and bin/hearth, run as real processes on loopback. */
package dev.hearth.e2e;
