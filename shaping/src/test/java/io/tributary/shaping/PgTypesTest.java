package io.tributary.shaping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PgTypesTest {

    private static final PgType LATE_DOMAIN = new PgType(80_000, "late_domain", "public", 'd', 'N', 0, 23, ',');

    private final List<PgType> databaseCatalog = new ArrayList<>();
    private int reloads;

    private List<PgType> reload() {
        reloads++;
        return List.copyOf(databaseCatalog);
    }

    @Test
    void knowsBuiltInTypesWithoutADatabase() {
        PgTypes types = PgTypes.builtIn();
        assertEquals(Optional.of(new PgType(1007, "_int4", "pg_catalog", 'b', 'A', 23, 0, ',')), types.lookup(1007));
        assertEquals(';', types.lookup(603).orElseThrow().delimiter());
        assertEquals(Optional.empty(), types.lookup(80_000));
    }

    @Test
    void reloadsTheCatalogOncePerUnknownOid() {
        PgTypes types = PgTypes.fromCatalog(List.of(), this::reload);

        assertEquals(Optional.empty(), types.lookup(80_000));
        assertEquals(Optional.empty(), types.lookup(80_000));
        assertEquals(1, reloads);
        assertEquals(Optional.empty(), types.lookup(80_001));
        assertEquals(2, reloads);
        types.lookup(1007);
        assertEquals(2, reloads, "a built-in type never reloads");
    }

    @Test
    void aTypeCreatedAfterStartupIsConvertedAfterOneReload() {
        PgTypes types = PgTypes.fromCatalog(List.of(), this::reload);
        databaseCatalog.add(LATE_DOMAIN);
        ValueConverter converter = new ValueConverter(types, NumericMode.STRING);

        assertEquals("5", converter.convert(LATE_DOMAIN.oid(), "5").toString());
        assertEquals("6", converter.convert(LATE_DOMAIN.oid(), "6").toString());
        assertEquals(1, reloads);
    }

    @Test
    void aFailedReloadPropagatesAndIsTriedAgainForTheSameOid() {
        boolean[] fail = {true};
        PgTypes types = PgTypes.fromCatalog(List.of(), () -> {
            if (fail[0]) {
                throw new IllegalStateException("database down");
            }
            return List.of(LATE_DOMAIN);
        });

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> types.lookup(LATE_DOMAIN.oid()));
        assertTrue(e.getMessage().contains("database down"));
        fail[0] = false;
        assertEquals(Optional.of(LATE_DOMAIN), types.lookup(LATE_DOMAIN.oid()));
    }
}
