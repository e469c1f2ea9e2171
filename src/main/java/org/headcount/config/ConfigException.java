package org.headcount.config;

/** A configuration value Headcount cannot start with; the message names the parameter, its value and what is allowed. */
public final class ConfigException extends RuntimeException {

    ConfigException(String name, String value, String source, String allowed) {
        super("Invalid Headcount configuration: " + name + "=\"" + value + "\" (from " + source + "): " + allowed);
    }

    ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
