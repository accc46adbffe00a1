package io.tributary.documents;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A short digest of a document type's configuration. A documents index records the fingerprint it was fully built
 * for (in its mapping's {@code _meta}); a different one (a new type, a changed join, a requested rebuild) means a
 * full build is due. Pure.
 */
public final class DocumentFingerprint {

    private DocumentFingerprint() {
    }

    public static String of(DocumentSpec spec) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical(spec).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The configuration as text that does not depend on set or map iteration order (which varies per JVM run). */
    static String canonical(DocumentSpec spec) {
        StringBuilder text = new StringBuilder(spec.name()).append('|').append(spec.root());
        selection(text, spec.columns());
        joins(text, spec.joins());
        return text.toString();
    }

    private static void joins(StringBuilder text, java.util.List<JoinSpec> joins) {
        for (JoinSpec join : joins) {
            text.append("|join ").append(join.field()).append(' ').append(join.table()).append(" on ")
                    .append(join.on()).append(" many ").append(join.many()).append(" order ").append(join.orderBy());
            join.through().ifPresent(through -> text.append(" through ").append(through.table()).append(' ')
                    .append(through.on()).append(' ').append(through.to()));
            selection(text, join.columns());
            text.append(" {");
            joins(text, join.joins());
            text.append('}');
        }
    }

    private static void selection(StringBuilder text, ColumnSelection columns) {
        text.append(" columns ").append(new java.util.TreeSet<>(columns.include()))
                .append(" exclude ").append(new java.util.TreeSet<>(columns.exclude()))
                .append(" rename ").append(new java.util.TreeMap<>(columns.rename()));
    }
}
