package io.tributary.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DocumentComparisonTest {

    @Test
    void theSameDocumentInAnotherFieldOrderHasNoDifferences() {
        assertTrue(DocumentComparison.differences(Json.object("{\"id\":1,\"name\":\"Ada\",\"tags\":[\"a\",\"b\"]}"),
                Json.object("{\"tags\":[\"a\",\"b\"],\"name\":\"Ada\",\"id\":1}")).isEmpty());
    }

    @Test
    void numbersAreEqualByValueWhateverTheirScale() {
        assertTrue(DocumentComparison.differences(Json.object("{\"price\":1.50,\"qty\":7,\"j\":{\"x\":2}}"),
                Json.object("{\"price\":1.5,\"qty\":7.0,\"j\":{\"x\":2.00}}")).isEmpty());
    }

    @Test
    void numericStringsMustKeepTheirDigitsAndAreNotNumbers() {
        List<FieldDifference> differences = DocumentComparison.differences(
                Json.object("{\"price\":\"1.50\",\"qty\":5}"), Json.object("{\"price\":\"1.5\",\"qty\":\"5\"}"));

        assertEquals(List.of("price", "qty"), differences.stream().map(FieldDifference::field).toList());
    }

    @Test
    void namesChangedMissingAndUnexpectedFieldsInRowOrderThenTheDocumentsOwn() {
        List<FieldDifference> differences = DocumentComparison.differences(
                Json.object("{\"id\":1,\"name\":\"Ada\",\"vip\":true,\"note\":null}"),
                Json.object("{\"id\":1,\"name\":\"Eve\",\"note\":null,\"hacked\":1}"));

        assertEquals(List.of("name: \"Ada\" ≠ \"Eve\"", "vip: true ≠ (absent)", "hacked: (absent) ≠ 1"),
                differences.stream().map(FieldDifference::describe).toList());
    }

    @Test
    void theTableTagOfASharedIndexIsNoColumnAndIsNotCompared() {
        assertEquals(List.of(), DocumentComparison.differences(Json.object("{\"id\":1}"),
                Json.object("{\"_tributary_table\":\"shop.orders_2026\",\"id\":1}")));
    }

    @Test
    void aNullValueDiffersFromAnAbsentField() {
        assertEquals(1, DocumentComparison.differences(Json.object("{\"note\":null}"), Json.object("{}")).size());
    }

    @Test
    void longValuesAreCutShortInTheDescription() {
        FieldDifference difference = DocumentComparison.differences(
                Json.object("{\"text\":\"" + "x".repeat(100) + "\"}"), Json.object("{\"text\":\"y\"}")).get(0);

        assertEquals("text: \"" + "x".repeat(38) + "… ≠ \"y\"", difference.describe());
    }

    @Test
    void aJoinedDocumentsDifferenceIsNamedByThePathOfItsFirstDifferingValue() {
        List<FieldDifference> differences = DocumentComparison.documentDifferences(
                Json.object("{\"id\":5,\"customer\":{\"id\":2,\"name\":\"Ada\"},\"items\":[{\"sku\":\"a\",\"qty\":1},"
                        + "{\"sku\":\"b\",\"qty\":2.0}],\"tags\":[\"x\",\"y\"]}"),
                Json.object("{\"id\":5,\"customer\":{\"id\":2,\"name\":\"Eve\"},\"items\":[{\"sku\":\"a\",\"qty\":1},"
                        + "{\"sku\":\"b\",\"qty\":99}],\"tags\":[\"x\"]}"));

        assertEquals(List.of("customer.name: \"Ada\" ≠ \"Eve\"", "items[1].qty: 2.0 ≠ 99",
                        "tags[1]: \"y\" ≠ (absent)"), differences.stream().map(FieldDifference::describe).toList());
    }

    @Test
    void aJoinedDocumentsExtraMembersAndElementsAreDifferencesButThePipelinesOwnFieldsAreNot() {
        List<FieldDifference> differences = DocumentComparison.documentDifferences(
                Json.object("{\"customer\":null,\"items\":[{\"sku\":\"a\"}]}"),
                Json.object("{\"_tributary_deleted\":\"2026-01-01T00:00:00Z\",\"customer\":null,"
                        + "\"items\":[{\"sku\":\"a\",\"price\":1},{\"sku\":\"b\"}],\"note\":\"?\"}"));

        assertEquals(List.of("items[0].price: (absent) ≠ 1", "note: (absent) ≠ \"?\""),
                differences.stream().map(FieldDifference::describe).toList());
    }

    @Test
    void aJoinedDocumentEqualButForNumberScaleAndMemberOrderHasNoDifferences() {
        assertEquals(List.of(), DocumentComparison.documentDifferences(
                Json.object("{\"items\":[{\"qty\":1.50,\"sku\":\"a\"}],\"customer\":{\"id\":7}}"),
                Json.object("{\"customer\":{\"id\":7.0},\"items\":[{\"sku\":\"a\",\"qty\":1.5}]}")));
    }
}
