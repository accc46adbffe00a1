package io.tributary.inspector;

import io.tributary.config.InvalidUsageException;
import io.tributary.model.TableId;

/** Reading values of command-line arguments, with errors that say which argument is wrong. */
final class Arguments {

    private Arguments() {
    }

    /** @throws InvalidUsageException naming the text when it is not {@code schema.table} (or a bare table) */
    static TableId table(String name) {
        try {
            return TableId.parse(name);
        } catch (IllegalArgumentException e) {
            throw new InvalidUsageException(e.getMessage(), e);
        }
    }
}
