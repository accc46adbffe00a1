package io.tributary.config;

/**
 * The configuration is wrong: the message names the key, the value and what would be accepted, so an operator can
 * fix it. Thrown at startup only; a service that gets one exits rather than running half-configured.
 */
public final class InvalidConfigException extends RuntimeException {

    public InvalidConfigException(String message) {
        super(message);
    }

    public InvalidConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
