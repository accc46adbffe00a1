package io.tributary.producer.decoding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ValueConverterTest {

    private final ValueConverter converter = new ValueConverter();

    static Stream<Arguments> conversions() {
        return Stream.of(
                Arguments.of(ValueConverter.INT2, "-32768", "-32768"),
                Arguments.of(ValueConverter.INT4, "2147483647", "2147483647"),
                Arguments.of(ValueConverter.INT8, "-9223372036854775808", "-9223372036854775808"),
                Arguments.of(ValueConverter.NUMERIC, "12345678901234567890.000000001", "\"12345678901234567890.000000001\""),
                Arguments.of(ValueConverter.NUMERIC, "NaN", "\"NaN\""),
                Arguments.of(ValueConverter.FLOAT8, "0.1", "0.1"),
                Arguments.of(ValueConverter.FLOAT8, "1.7976931348623157e+308", "1.7976931348623157E+308"),
                Arguments.of(ValueConverter.FLOAT4, "-Infinity", "\"-Infinity\""),
                Arguments.of(ValueConverter.FLOAT8, "NaN", "\"NaN\""),
                Arguments.of(ValueConverter.BOOL, "t", "true"),
                Arguments.of(ValueConverter.BOOL, "f", "false"),
                Arguments.of(25, "", "\"\""),
                Arguments.of(25, "quote \" backslash \\ ünïcødé 🚀", "\"quote \\\" backslash \\\\ ünïcødé 🚀\""),
                Arguments.of(ValueConverter.JSONB, "{\"a\": [1, 2.50, null]}", "{\"a\":[1,2.50,null]}"),
                Arguments.of(ValueConverter.BYTEA, "\\xdeadbeef", "\"3q2+7w==\""),
                Arguments.of(ValueConverter.TIMESTAMPTZ, "2026-11-22 06:00:00.123456+00", "\"2026-11-22T06:00:00.123456Z\""),
                Arguments.of(ValueConverter.TIMESTAMPTZ, "2026-11-22 08:00:00+05:30", "\"2026-11-22T02:30:00Z\""),
                Arguments.of(ValueConverter.TIMESTAMPTZ, "infinity", "\"infinity\""),
                Arguments.of(ValueConverter.TIMESTAMP, "2026-11-22 06:00:00", "\"2026-11-22T06:00\""),
                Arguments.of(ValueConverter.TIMESTAMP, "2026-11-22 06:00:01.5", "\"2026-11-22T06:00:01.500\""),
                Arguments.of(ValueConverter.DATE, "2026-11-22", "\"2026-11-22\""),
                Arguments.of(2950, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\""),
                Arguments.of(999_999, "some (unknown) value", "\"some (unknown) value\""));
    }

    @ParameterizedTest(name = "type {0}: {1}")
    @MethodSource("conversions")
    void convertsTextFormToJson(int typeOid, String text, String expectedJson) {
        assertEquals(expectedJson, converter.convert(typeOid, text).toString());
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void rejectsTextThatDoesNotFitTheType(int typeOid, String text) {
        assertThrows(IllegalArgumentException.class, () -> converter.convert(typeOid, text));
    }

    static Stream<Arguments> invalid() {
        return Stream.of(Arguments.of(ValueConverter.INT4, "x"), Arguments.of(ValueConverter.BOOL, "yes"),
                Arguments.of(ValueConverter.JSON, "{"), Arguments.of(ValueConverter.BYTEA, "escape"));
    }
}
