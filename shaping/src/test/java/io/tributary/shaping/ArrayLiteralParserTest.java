package io.tributary.shaping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.TextNode;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The array literal's structure and quoting, with every element kept as text. */
class ArrayLiteralParserTest {

    static Stream<Arguments> literals() {
        return Stream.of(
                Arguments.of("{}", ',', "[]"),
                Arguments.of("{{},{}}", ',', "[[],[]]"),
                Arguments.of("{a,b}", ',', "[\"a\",\"b\"]"),
                Arguments.of("{NULL,null,\"NULL\",\"null\"}", ',', "[null,null,\"NULL\",\"null\"]"),
                Arguments.of("{N\\ULL,\\NULL}", ',', "[\"NULL\",\"NULL\"]"),
                Arguments.of("{\"a,b\",\"c}d\",\"{e\",\"f\\\"g\",\"h\\\\i\",\"\"}", ',',
                        "[\"a,b\",\"c}d\",\"{e\",\"f\\\"g\",\"h\\\\i\",\"\"]"),
                Arguments.of("{ a , b c ,\" d \" }", ',', "[\"a\",\"b c\",\" d \"]"),
                Arguments.of("{{1,2},{3,NULL}}", ',', "[[\"1\",\"2\"],[\"3\",null]]"),
                Arguments.of("[-2:-1]={x,y}", ',', "[\"x\",\"y\"]"),
                Arguments.of("[0:1][0:0]={{x},{y}}", ',', "[[\"x\"],[\"y\"]]"),
                Arguments.of("{(1,2),(3,4);(5,6),(7,8)}", ';', "[\"(1,2),(3,4)\",\"(5,6),(7,8)\"]"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("literals")
    void readsTheStructureAndUnquotesElements(String literal, char delimiter, String expectedJson) {
        assertEquals(expectedJson, ArrayLiteralParser.parse(literal, delimiter, TextNode::valueOf).toString());
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("", "expected '{'"),
                Arguments.of("1,2", "expected '{'"),
                Arguments.of("{1,2", "missing closing brace"),
                Arguments.of("{1,2}}", "after the closing brace"),
                Arguments.of("{1,2} x", "after the closing brace"),
                Arguments.of("{\"a}", "unterminated quoted element"),
                Arguments.of("{1,,2}", "empty unquoted element"),
                Arguments.of("{a\"b\"}", "unexpected '\"'"),
                Arguments.of("[1:2]{1,2}", "expected '='"),
                Arguments.of("[1-2]={1,2}", "malformed dimensions"),
                Arguments.of("{a\\", "backslash at the end"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("malformed")
    void rejectsMalformedLiteralsNamingTheProblemAndTheText(String literal, String problem) {
        InvalidValueException e = assertThrows(InvalidValueException.class,
                () -> ArrayLiteralParser.parse(literal, ',', TextNode::valueOf));
        assertTrue(e.getMessage().contains(problem), e.getMessage());
        assertTrue(e.getMessage().contains("'" + literal + "'"), e.getMessage());
    }
}
