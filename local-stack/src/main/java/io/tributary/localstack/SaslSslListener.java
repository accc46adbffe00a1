package io.tributary.localstack;

/**
 * The local broker's SASL_SSL listener: TLS with a certificate signed by a CA made when the broker was formatted,
 * and SCRAM logins for one user created at format time (KRaft {@code --add-scram}) with a password made then.
 * {@link #toString()} leaves the password out. Immutable.
 *
 * @param bootstrapServers {@code 127.0.0.1:<port>} of the listener (its certificate names 127.0.0.1 and localhost)
 * @param username         the SCRAM user, known for both SCRAM-SHA-256 and SCRAM-SHA-512
 * @param password         its password
 * @param certificates     the CA that signed the broker's certificate, and an unrelated one
 */
public record SaslSslListener(String bootstrapServers, String username, String password,
                              LocalCertificates certificates) {

    @Override
    public String toString() {
        return "SASL_SSL on " + bootstrapServers + " for SCRAM user " + username;
    }
}
