package io.clusterfn.support;

import io.quarkus.test.common.WithTestResource;
import org.junit.jupiter.api.AfterAll;

/** Base of every function test: one real PostgreSQL, and the ledger invariant checked at the end. */
@WithTestResource(TestStore.class)
public abstract class FunctionTest {
    @AfterAll
    static void ledgerInvariantHolds() {
        LedgerCheck.assertInvariant();
    }
}
