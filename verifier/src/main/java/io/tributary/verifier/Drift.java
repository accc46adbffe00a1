package io.tributary.verifier;

import java.util.List;
import java.util.OptionalLong;

/** One row or document that is not as the pipeline would have it: a sealed family, one record per kind. */
sealed interface Drift {

    /** The document's {@code _id}. */
    String id();

    /** A row of PostgreSQL without its document. */
    record Missing(String id) implements Drift {
    }

    /**
     * A document without a row in PostgreSQL.
     *
     * @param version the document's {@code _version}
     */
    record Extra(String id, long version) implements Drift {
    }

    /**
     * A document that is not the row's.
     *
     * @param version     the document's {@code _version}
     * @param differences the fields that differ, at least one
     */
    record Different(String id, long version, List<FieldDifference> differences) implements Drift {

        public Different {
            differences = List.copyOf(differences);
        }
    }

    /** The stored version a repair of this drift is computed against: none for a missing document. */
    default OptionalLong storedVersion() {
        if (this instanceof Extra extra) {
            return OptionalLong.of(extra.version());
        }
        if (this instanceof Different different) {
            return OptionalLong.of(different.version());
        }
        return OptionalLong.empty();
    }
}
