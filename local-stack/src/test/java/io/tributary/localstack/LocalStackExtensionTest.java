package io.tributary.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;

/** Which PostgreSQL major a parameter asks for; nothing is started here. */
class LocalStackExtensionTest {

    @SuppressWarnings("unused") // its parameters are the test data
    private static void sample(RunningPostgres unannotated, @PostgresVersion(14) RunningPostgres older,
            @PostgresVersion(17) RunningPostgres explicitDefault, @PostgresVersion(9) RunningPostgres unsupported) {
    }

    @Test
    void unannotatedParameterGetsTheDefaultMajor() throws Exception {
        assertEquals(PostgresMajor.configuredDefault(), LocalStackExtension.postgresMajor(parameter(0)));
    }

    @Test
    void annotatedParameterGetsItsMajor() throws Exception {
        assertEquals(PostgresMajor.V14, LocalStackExtension.postgresMajor(parameter(1)));
        assertEquals(PostgresMajor.V17, LocalStackExtension.postgresMajor(parameter(2)));
    }

    @Test
    void unsupportedMajorFailsTheResolutionNamingTheSupportedOnes() throws Exception {
        ParameterResolutionException e = assertThrows(ParameterResolutionException.class,
                () -> LocalStackExtension.postgresMajor(parameter(3)));

        assertTrue(e.getMessage().contains("@PostgresVersion(9)") && e.getMessage().contains("12, 13, 14, 15, 16, 17, 18"), e.getMessage());
    }

    private static ParameterContext parameter(int index) throws NoSuchMethodException {
        Method sample = LocalStackExtensionTest.class.getDeclaredMethod("sample", RunningPostgres.class,
                RunningPostgres.class, RunningPostgres.class, RunningPostgres.class);
        Parameter parameter = sample.getParameters()[index];
        return new ParameterContext() {
            @Override
            public Parameter getParameter() {
                return parameter;
            }

            @Override
            public int getIndex() {
                return index;
            }

            @Override
            public Optional<Object> getTarget() {
                return Optional.empty();
            }
        };
    }
}
