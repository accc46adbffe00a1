package io.tributary.config;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/** Finds the known key closest to a misspelt one, for "did you mean" hints. */
final class KeySuggestion {

    private KeySuggestion() {
    }

    /** The known key at the smallest edit distance, if it is close enough to be a likely typo. */
    static Optional<String> closest(String key, Collection<String> known) {
        return known.stream()
                .min(Comparator.comparingInt(candidate -> editDistance(key, candidate)))
                .filter(candidate -> editDistance(key, candidate) <= Math.max(2, key.length() / 4));
    }

    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
