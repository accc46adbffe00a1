package io.tributary.localstack;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Chooses the major version of a {@link RunningPostgres} parameter that {@link LocalStackExtension} resolves, e.g.
 * {@code @PostgresVersion(14) RunningPostgres postgres}. Without it the parameter gets {@link PostgresMajor#configuredDefault()}.
 * A major that {@link PostgresMajor} does not list fails the parameter's resolution, naming the supported ones.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface PostgresVersion {

    /** The major version number, e.g. 14. */
    int value();
}
