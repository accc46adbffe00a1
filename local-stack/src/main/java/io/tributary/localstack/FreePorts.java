package io.tributary.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * Hands out loopback ports that were free when asked for, never the same port twice in one JVM (so two services
 * started back to back cannot be given the same port before either binds it). Thread-safe.
 */
final class FreePorts {

    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private FreePorts() {
    }

    /** A port on 127.0.0.1 that nothing listened on a moment ago and that this JVM has not handed out before. */
    static synchronized int next() {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = bindAndRelease();
            if (HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new LocalStackException("could not find a free loopback port in 50 attempts");
    }

    private static int bindAndRelease() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("could not bind a free loopback port", e);
        }
    }
}
