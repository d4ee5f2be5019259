package io.clusterfn.cluster;

import io.clusterfn.support.Api;
import io.clusterfn.support.Fixtures;
import io.clusterfn.support.FunctionTest;
import io.clusterfn.support.LedgerCheck;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.clusterfn.support.Fixtures.PHA;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Many owners race to rent the same workers. Each worker must end in exactly one cluster, only
 * the winners pay, every loser is told {@code WORKER_BUSY} and keeps its money, and the ledger
 * still sums to zero.
 */
@QuarkusTest
class FormClusterRaceTest extends FunctionTest {
    private static final int OWNERS = 8;
    private static final int ROUNDS = 5;
    private static final long PREPAID_EPOCHS = 2;
    private static final BigInteger UNIT = new BigInteger("1" + PHA);
    private static final BigInteger FUNDS = BigInteger.valueOf(20).multiply(UNIT);
    /** Every worker has a different rent, so what a winner paid tells which workers it got. */
    private static final long[] RENTS = {1, 2, 3};

    private static ExecutorService pool;

    @BeforeAll
    static void startPool() {
        pool = Executors.newFixedThreadPool(OWNERS);
    }

    @AfterAll
    static void stopPool() {
        pool.shutdownNow();
    }

    private record Contender(String owner, Api api, List<String> workers) {
    }

    private record Outcome(Contender contender, int status, JsonPath body) {
    }

    @Test
    void ownersListingAllWorkersLeaveExactlyOneWinner() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            List<String> workers = registerWorkers();
            List<Contender> contenders = new ArrayList<>();
            for (int i = 0; i < OWNERS; i++) {
                contenders.add(contender(workers));
            }
            List<Outcome> outcomes = race(contenders);
            assertEquals(1, outcomes.stream().filter(o -> o.status() == 200).count(),
                    "exactly one owner gets all the workers: " + describe(outcomes));
            checkRound(workers, outcomes);
        }
    }

    @Test
    void ownersListingOverlappingWorkersShareThemWithoutDoubleRenting() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            List<String> w = registerWorkers();
            // Overlapping lists; the single-worker ones make sure every worker finds a taker.
            List<List<String>> lists = new ArrayList<>(List.of(
                    List.of(w.get(0), w.get(1), w.get(2)), List.of(w.get(0), w.get(1)), List.of(w.get(1), w.get(2)),
                    List.of(w.get(2), w.get(0)), List.of(w.get(0)), List.of(w.get(1)), List.of(w.get(2)),
                    List.of(w.get(2), w.get(1), w.get(0))));
            Collections.shuffle(lists);
            List<Contender> contenders = new ArrayList<>();
            for (List<String> list : lists) {
                contenders.add(contender(list));
            }
            checkRound(w, race(contenders));
        }
    }

    // --- the race --------------------------------------------------------------------------------

    private static List<String> registerWorkers() {
        String operator = Fixtures.account("race-op");
        List<String> workers = new ArrayList<>();
        for (long rent : RENTS) {
            workers.add(Fixtures.worker(operator, rent + PHA));
        }
        return workers;
    }

    private static Contender contender(List<String> workers) {
        String owner = Fixtures.account("racer");
        Fixtures.fund(owner, FUNDS.toString());
        // The token is signed here, so that the race itself is only requests.
        return new Contender(owner, Api.as(owner), workers);
    }

    /** Releases every contender's formCluster at once and collects the answers. */
    private static List<Outcome> race(List<Contender> contenders) throws Exception {
        CountDownLatch ready = new CountDownLatch(contenders.size());
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Outcome>> futures = new ArrayList<>();
        for (Contender c : contenders) {
            Map<String, Object> body = new HashMap<>();
            body.put("name", "race-" + c.owner());
            body.put("workers", c.workers());
            body.put("prepaidEpochs", PREPAID_EPOCHS);
            futures.add(pool.submit(() -> {
                ready.countDown();
                go.await();
                Response response = c.api().request().body(body).post("/formCluster");
                return new Outcome(c, response.statusCode(), response.jsonPath());
            }));
        }
        assertTrue(ready.await(30, TimeUnit.SECONDS), "every contender is ready");
        go.countDown();
        List<Outcome> outcomes = new ArrayList<>();
        for (Future<Outcome> f : futures) {
            outcomes.add(f.get(120, TimeUnit.SECONDS));
        }
        return outcomes;
    }

    // --- what must hold after a round ------------------------------------------------------------

    private static void checkRound(List<String> workers, List<Outcome> outcomes) {
        Map<String, Integer> claims = new HashMap<>();
        BigInteger paidByWinners = BigInteger.ZERO;
        BigInteger escrows = BigInteger.ZERO;
        for (Outcome o : outcomes) {
            Contender c = o.contender();
            if (o.status() == 200) {
                String clusterId = o.body().getString("id");
                List<String> got = o.body().getList("workers.id");
                assertEquals(new HashSet<>(c.workers()), new HashSet<>(got), "a winner gets exactly the workers it listed");
                got.forEach(id -> claims.merge(id, 1, Integer::sum));

                BigInteger rent = rentOf(workers, c.workers()).multiply(BigInteger.valueOf(PREPAID_EPOCHS));
                JsonPath view = Api.anonymous().get("cluster", Map.of("id", clusterId)).statusCode(200)
                        .body("owner", equalTo(c.owner())).extract().jsonPath();
                assertEquals(new HashSet<>(c.workers()), new HashSet<>(view.getList("workers.id")),
                        "the stored cluster holds the winner's workers");
                assertEquals(List.of(clusterId), view.getList("workers.clusterId").stream().distinct().toList());
                assertEquals(List.of("ASSIGNED"), view.getList("workers.status").stream().distinct().toList());
                BigInteger escrow = new BigInteger(view.getString("escrow"));
                assertEquals(rent, escrow, "the escrow holds the rent for the prepaid epochs");
                BigInteger free = free(c.owner());
                assertEquals(FUNDS.subtract(rent), free, "a winner pays exactly its rent");
                paidByWinners = paidByWinners.add(FUNDS.subtract(free));
                escrows = escrows.add(escrow);
            } else {
                assertEquals(409, o.status(), "a loser is refused as busy, not failed: " + o.body().prettify());
                assertEquals("WORKER_BUSY", o.body().getString("error"));
                assertTrue(c.workers().contains(o.body().getString("details.workerId")),
                        "the busy worker is one the loser listed");
                assertEquals(FUNDS, free(c.owner()), "a loser keeps all its money");
                Api.anonymous().get("clusters", Map.of("owner", c.owner())).statusCode(200).body("items", empty());
                Api.as(c.owner()).get("balance", Map.of()).statusCode(200).body("escrow", equalTo("0"));
            }
        }
        for (String w : workers) {
            assertEquals(1, claims.getOrDefault(w, 0), "worker " + w + " ends in exactly one cluster: " + describe(outcomes));
        }
        assertEquals(paidByWinners, escrows, "the escrows hold exactly what the winners paid");
        assertEquals(rentOf(workers, workers).multiply(BigInteger.valueOf(PREPAID_EPOCHS)), escrows,
                "every worker's rent was paid exactly once");
        LedgerCheck.assertInvariant();
    }

    private static BigInteger rentOf(List<String> all, List<String> listed) {
        BigInteger rent = BigInteger.ZERO;
        for (String w : listed) {
            rent = rent.add(BigInteger.valueOf(RENTS[all.indexOf(w)]).multiply(UNIT));
        }
        return rent;
    }

    private static BigInteger free(String account) {
        return new BigInteger(Api.as(account).get("balance", Map.of()).statusCode(200).extract().<String>path("free"));
    }

    private static String describe(List<Outcome> outcomes) {
        List<String> lines = new ArrayList<>();
        for (Outcome o : outcomes) {
            lines.add(o.contender().workers().size() + " workers -> " + o.status());
        }
        return String.join(", ", lines);
    }
}
