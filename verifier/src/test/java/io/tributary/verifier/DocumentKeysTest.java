package io.tributary.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.shaping.PgType;
import io.tributary.shaping.PgTypes;
import io.tributary.shaping.DocumentIds;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DocumentKeysTest {

    @Test
    void aSingleKeyIsTheIdsTextWhateverItsType() {
        assertEquals(Optional.of(List.of("42")), DocumentKeys.keyTexts(DocumentIds.idFor(Json.object("{\"id\":42}")), 1));
        assertEquals(Optional.of(List.of("AB-1")),
                DocumentKeys.keyTexts(DocumentIds.idFor(Json.object("{\"sku\":\"AB-1\"}")), 1));
        String uuid = "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11";
        assertEquals(Optional.of(List.of(uuid)),
                DocumentKeys.keyTexts(DocumentIds.idFor(Json.object("{\"id\":\"" + uuid + "\"}")), 1));
        assertEquals(Optional.of(List.of("[1,2]")), DocumentKeys.keyTexts("[1,2]", 1), "a text key may look like JSON");
    }

    @Test
    void aCompositeKeyIsReadBackFromTheJsonArrayOfItsId() {
        String id = DocumentIds.idFor(Json.object("{\"order_id\":12,\"line\":3,\"sku\":\"x\\\"y\",\"vip\":true}"));

        assertEquals(Optional.of(List.of("12", "3", "x\"y", "true")), DocumentKeys.keyTexts(id, 4));
    }

    @Test
    void aCompositeKeyKeepsTheExactDigitsOfDecimals() {
        assertEquals(Optional.of(List.of("1.50", "7")), DocumentKeys.keyTexts("[1.50,7]", 2));
    }

    @Test
    void anIdThatCannotBeAKeyOfThatShapeNamesNoRow() {
        assertEquals(Optional.empty(), DocumentKeys.keyTexts("12", 2), "not an array");
        assertEquals(Optional.empty(), DocumentKeys.keyTexts("[1,2,3]", 2), "wrong length");
        assertEquals(Optional.empty(), DocumentKeys.keyTexts("[1,null]", 2), "a key value is never null");
        assertEquals(Optional.empty(), DocumentKeys.keyTexts("[1,{\"a\":1}]", 2), "nested");
        assertEquals(Optional.empty(), DocumentKeys.keyTexts("[1,", 2), "not JSON");
    }

    @Test
    void keysOfBinaryArrayAndJsonTypesCannotBeReadBackFromAnId() {
        PgTypes builtIn = PgTypes.builtIn();

        assertTrue(DocumentKeys.readsBack(builtIn, 23), "int4");
        assertTrue(DocumentKeys.readsBack(builtIn, 25), "text");
        assertTrue(DocumentKeys.readsBack(builtIn, 2950), "uuid");
        assertTrue(DocumentKeys.readsBack(builtIn, 1184), "timestamptz");
        assertFalse(DocumentKeys.readsBack(builtIn, 17), "bytea");
        assertFalse(DocumentKeys.readsBack(builtIn, 1007), "_int4");
        assertFalse(DocumentKeys.readsBack(builtIn, 3802), "jsonb");
        assertTrue(DocumentKeys.readsBack(builtIn, 987_654), "unknown types keep their text");
    }

    @Test
    void aDomainIsJudgedByItsBaseType() {
        PgTypes catalog = PgTypes.fromCatalog(List.of(
                new PgType(90_001, "blob", "public", 'd', 'U', 0, 17, ','),
                new PgType(90_002, "code", "public", 'd', 'S', 0, 25, ',')), List::of);

        assertFalse(DocumentKeys.readsBack(catalog, 90_001));
        assertTrue(DocumentKeys.readsBack(catalog, 90_002));
    }
}
