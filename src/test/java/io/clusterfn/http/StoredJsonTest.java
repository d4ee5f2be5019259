package io.clusterfn.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.clusterfn.access.Permission;
import io.clusterfn.access.Quota;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Stored settings read once per text, each text to its own value, and bad JSON still refused. */
class StoredJsonTest {
    private final StoredJson stored = new StoredJson(new ObjectMapper());

    @Test
    void aTextIsReadOnceAndGivesTheValueItSpells() throws Exception {
        Permission first = stored.read("{\"rule\":\"ALLOW_LIST\",\"accounts\":[\"alice\"]}", Permission.class);
        assertEquals(new Permission("ALLOW_LIST", List.of("alice"), null), first);
        assertSame(first, stored.read("{\"rule\":\"ALLOW_LIST\",\"accounts\":[\"alice\"]}", Permission.class));
        Permission other = stored.read("{\"rule\":\"ALLOW_LIST\",\"accounts\":[\"bob\"]}", Permission.class);
        assertEquals(List.of("bob"), other.accounts());
        assertNotSame(first, other);
    }

    @Test
    void theSameTextReadAsAnotherTypeIsAnotherValue() throws Exception {
        assertEquals(new Quota(null, null, null), stored.read("{}", Quota.class));
        assertEquals(new Permission(null, null, null), stored.read("{}", Permission.class));
    }

    @Test
    void manyDistinctTextsStayBoundedAndCorrect() throws Exception {
        for (long i = 0; i < StoredJson.CAPACITY * 3L; i++) {
            assertEquals(i, stored.read("{\"maxContracts\":" + i + "}", Quota.class).maxContracts());
        }
        assertThrows(com.fasterxml.jackson.core.JsonProcessingException.class, () -> stored.read("{", Quota.class));
    }
}
