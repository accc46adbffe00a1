package io.tributary.localstack;

import java.nio.file.Path;

/**
 * A PostgreSQL server as {@link RunningPostgres} drives it, whichever {@link StackBackend} runs it: a local process
 * ({@link PostgresProcess}) or a container. {@link #stop()} and {@link #start()} keep the data and the port.
 */
interface PostgresServer {

    void start();

    void stop();

    PostgresMajor major();

    /** The major version the server itself reports. */
    int majorVersion();

    /** The port on 127.0.0.1. */
    int port();

    Path logFile();
}
