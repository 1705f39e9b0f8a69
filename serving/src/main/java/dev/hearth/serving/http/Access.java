package dev.hearth.serving.http;

import io.javalin.security.RouteRole;

/** What a route needs from the caller; the model-specific scopes use the route's {@code {name}}. */
public enum Access implements RouteRole {
    /** No token (health). */
    OPEN,
    /** Any valid token (server metadata, OpenAPI document). */
    AUTHENTICATED,
    /** {@code predict:<name>} or {@code predict:*}. */
    PREDICT,
    /** {@code read:<name>} or {@code read:*}. */
    READ,
    /** {@code read:*} (metrics over every model). */
    READ_ALL,
    /** {@code manage}. */
    MANAGE,
    /** The web console's pages: it authenticates its own session cookie and checks scopes itself. */
    CONSOLE
}
