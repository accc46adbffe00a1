package io.tributary.producer.decoding;

import io.tributary.localstack.LocalStackExtension;
import io.tributary.localstack.RunningPostgres;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * pgoutput and test_decoding decode one workload to the same events ({@link DecoderEquivalence}) on the default major;
 * {@code SupportedMajorsIT} runs the same check on every supported major, and {@code -Ppg-matrix} runs this class on
 * each of them.
 */
@ExtendWith(LocalStackExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class DecoderEquivalenceIT {

    @Test
    void bothDecodersGiveTheSameEvents(RunningPostgres postgres) throws SQLException {
        DecoderEquivalence.assertSameEvents(postgres);
    }
}
