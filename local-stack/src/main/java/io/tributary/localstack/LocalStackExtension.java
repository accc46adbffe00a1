package io.tributary.localstack;

import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that injects {@link RunningPostgres}, {@link RunningKafka}, {@link RunningElasticsearch} and
 * {@link SecuredElasticsearch} parameters (constructor, lifecycle or test methods), starting each service through {@link LocalStack} on first
 * use. Use with {@code @ExtendWith(LocalStackExtension.class)}. Stateless and thread-safe.
 *
 * <p>A {@link RunningPostgres} parameter gets the {@linkplain PostgresMajor#configuredDefault() default major}
 * (PostgreSQL 17, or the one the system property {@value PostgresMajor#DEFAULT_PROPERTY} names) unless it is
 * annotated with {@link PostgresVersion}; parameters asking for different majors get different servers
 * in one test:
 *
 * <pre>{@code
 * @Test
 * void decodesOnBothMajors(RunningPostgres postgres17, @PostgresVersion(14) RunningPostgres postgres14) { ... }
 * }</pre>
 *
 * <p>To run a whole test class against another major, annotate its constructor parameter:
 * {@code EtlProducerPostgres14IT(@PostgresVersion(14) RunningPostgres postgres, RunningKafka kafka)}. To run one
 * test on every major, take the major as an argument and ask {@link LocalStack} directly:
 * {@code @ParameterizedTest @EnumSource(PostgresMajor.class) void x(PostgresMajor major)} with
 * {@code LocalStack.postgres(major)}.
 */
public final class LocalStackExtension implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        return type == RunningPostgres.class || type == RunningKafka.class || type == RunningElasticsearch.class
                || type == SecuredElasticsearch.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        if (type == RunningPostgres.class) {
            return LocalStack.postgres(postgresMajor(parameterContext));
        }
        if (type == RunningKafka.class) {
            return LocalStack.kafka();
        }
        if (type == SecuredElasticsearch.class) {
            return LocalStack.securedElasticsearch();
        }
        return LocalStack.elasticsearch();
    }

    /** The major a {@link RunningPostgres} parameter asks for: its {@link PostgresVersion}, or the configured default. */
    static PostgresMajor postgresMajor(ParameterContext parameterContext) {
        Optional<PostgresVersion> version = parameterContext.findAnnotation(PostgresVersion.class);
        if (version.isEmpty()) {
            return PostgresMajor.configuredDefault();
        }
        try {
            return PostgresMajor.of(version.get().value());
        } catch (IllegalArgumentException e) {
            throw new ParameterResolutionException("@PostgresVersion(" + version.get().value() + ") on parameter '"
                    + parameterContext.getParameter() + "' of " + parameterContext.getDeclaringExecutable() + ": "
                    + e.getMessage(), e);
        }
    }
}
