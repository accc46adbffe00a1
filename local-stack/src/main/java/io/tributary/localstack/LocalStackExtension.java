package io.tributary.localstack;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that injects {@link RunningPostgres}, {@link RunningKafka} and {@link RunningElasticsearch}
 * parameters (constructor, lifecycle or test methods), starting each service through {@link LocalStack} on first
 * use. Use with {@code @ExtendWith(LocalStackExtension.class)}. Stateless and thread-safe.
 */
public final class LocalStackExtension implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        return type == RunningPostgres.class || type == RunningKafka.class || type == RunningElasticsearch.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        if (type == RunningPostgres.class) {
            return LocalStack.postgres();
        }
        if (type == RunningKafka.class) {
            return LocalStack.kafka();
        }
        return LocalStack.elasticsearch();
    }
}
