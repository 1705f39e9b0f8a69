/**
 * Layered settings shared by every Hearth module: declared keys with defaults and validation, read from a
 * properties file in {@code conf/} and overridden by {@code --set key=value}; no module-specific keys live here.
 */
package dev.hearth.config;
