package io.tributary.index;

import java.util.Optional;
import javax.net.ssl.SSLException;

/** Tells a TLS failure (a handshake refused, a certificate not trusted) from other I/O failures. */
public final class TlsFailure {

    private TlsFailure() {
    }

    /** The TLS exception among {@code failure} and its causes, if any. */
    public static Optional<SSLException> find(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SSLException tls) {
                return Optional.of(tls);
            }
        }
        return Optional.empty();
    }
}
