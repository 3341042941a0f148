package dev.edgeproxy.config;

import java.util.List;

/**
 * The gateway configuration is invalid. The message lists every problem found, one per line, each
 * naming the route and the field.
 */
public final class InvalidConfigException extends RuntimeException {

    private final List<String> errors;

    public InvalidConfigException(List<String> errors) {
        super("invalid gateway configuration:\n  - " + String.join("\n  - ", errors), null, false, false);
        this.errors = List.copyOf(errors);
    }

    public List<String> errors() {
        return errors;
    }
}
