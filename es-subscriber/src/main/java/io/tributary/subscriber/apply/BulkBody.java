package io.tributary.subscriber.apply;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.tributary.index.DocumentAddress;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Predicate;
import org.apache.http.HttpEntity;
import org.apache.http.entity.ContentType;

/**
 * The body of a bulk request (newline-delimited JSON): per action an action line
 * ({@code {"index":{"_index":…,"_id":…,"routing":…,"version":…,"version_type":"external"}}}, plus
 * {@code "require_alias":true} for a target that is an alias, so a write never creates a deleted index again with
 * dynamic mappings) and, for an index, the document's bytes as they are
 * ({@link io.tributary.subscriber.events.RowJson#writeTo}, one line by its invariant). Stateless.
 */
final class BulkBody {

    /** An action line without its index, id and routing: the fixed parts, a 20-digit version and require_alias. */
    private static final int FIXED_ACTION_LINE_BYTES = 118;

    private static final byte[] INDEX = ascii("{\"index\":{\"_index\":\"");
    private static final byte[] DELETE = ascii("{\"delete\":{\"_index\":\"");
    private static final byte[] ID = ascii("\",\"_id\":\"");
    private static final byte[] ROUTING = ascii("\",\"routing\":\"");
    private static final byte[] VERSION = ascii("\",\"version\":");
    private static final byte[] VERSION_TYPE = ascii(",\"version_type\":\"external\"");
    private static final byte[] REQUIRE_ALIAS = ascii(",\"require_alias\":true");
    private static final byte[] END = ascii("}}\n");

    private BulkBody() {
    }

    /**
     * The body for the actions of {@code writes}, in order.
     *
     * @param isAlias true for the targets that are aliases: writes to them carry {@code require_alias}
     */
    static byte[] of(List<PlannedWrite> writes, Predicate<String> isAlias) {
        return write(writes, isAlias).toByteArray();
    }

    /**
     * {@link #of} as a request entity over the bytes as written ({@link ChunkedBody}): the body of a bulk request
     * (megabytes) is neither copied once more nor one humongous array.
     */
    static HttpEntity entity(List<PlannedWrite> writes, Predicate<String> isAlias, ContentType contentType) {
        return write(writes, isAlias).entity(contentType);
    }

    private static ChunkedBody write(List<PlannedWrite> writes, Predicate<String> isAlias) {
        ChunkedBody body = new ChunkedBody();
        JsonStringEncoder encoder = JsonStringEncoder.getInstance();
        for (PlannedWrite write : writes) {
            boolean requireAlias = isAlias.test(write.index());
            for (BulkAction action : write.actions()) {
                write(action, requireAlias && action.address().index().equals(write.index()), body, encoder);
            }
        }
        return body;
    }

    /** The body for {@code actions}, in order. */
    static byte[] ofActions(List<BulkAction> actions) {
        return writeActions(actions).toByteArray();
    }

    /** {@link #ofActions} as a request entity, as {@link #entity} is. */
    static HttpEntity entityOfActions(List<BulkAction> actions, ContentType contentType) {
        return writeActions(actions).entity(contentType);
    }

    private static ChunkedBody writeActions(List<BulkAction> actions) {
        ChunkedBody body = new ChunkedBody();
        JsonStringEncoder encoder = JsonStringEncoder.getInstance();
        for (BulkAction action : actions) {
            write(action, false, body, encoder);
        }
        return body;
    }

    private static void write(BulkAction action, boolean requireAlias, ByteArrayOutputStream body,
                              JsonStringEncoder encoder) {
        DocumentAddress address = action.address();
        body.writeBytes(action.isIndex() ? INDEX : DELETE);
        body.writeBytes(encoder.quoteAsUTF8(address.index()));
        body.writeBytes(ID);
        body.writeBytes(encoder.quoteAsUTF8(address.id()));
        if (!address.routing().isEmpty()) {
            body.writeBytes(ROUTING);
            body.writeBytes(encoder.quoteAsUTF8(address.routing()));
        }
        body.writeBytes(VERSION);
        body.writeBytes(ascii(Long.toString(action.version())));
        body.writeBytes(VERSION_TYPE);
        if (requireAlias) {
            body.writeBytes(REQUIRE_ALIAS);
        }
        body.writeBytes(END);
        if (action.isIndex()) {
            action.document().writeTo(body);
            body.write('\n');
        }
    }

    /** About how many bytes {@code action} takes: its action line, and its document's line for an index. */
    static long estimatedBytes(BulkAction action) {
        return estimatedActionLineBytes(action) + (action.isIndex() ? action.document().length() + 1 : 0);
    }

    /** About how many bytes the action line of {@code action} takes (exactly, for ASCII names). */
    private static long estimatedActionLineBytes(BulkAction action) {
        DocumentAddress address = action.address();
        return FIXED_ACTION_LINE_BYTES + address.index().length() + address.id().length()
                + address.routing().length();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
