package io.clusterfn.contract;

import io.clusterfn.support.Api;
import io.clusterfn.support.Fixtures;
import io.clusterfn.support.FunctionTest;
import io.clusterfn.support.LedgerCheck;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import org.junit.jupiter.api.RepeatedTest;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Many deploys at once into one cluster never exceed its quotas, and every unit is accounted for:
 * fees in the treasury, deposits in the contracts, the rest with the deployers.
 */
@QuarkusTest
class DeployRaceTest extends FunctionTest {
    private static final Api ADMIN = Api.as("race-auditor", "admin");
    private static final int DEPLOYERS = 8;
    private static final int DEPLOYS_EACH = 5;
    private static final int MAX_CONTRACTS = 10;
    private static final int MAX_PER_DEPLOYER = 4;
    private static final long CODE_SIZE = 100;
    private static final BigInteger FEE = BigInteger.valueOf(1000);
    private static final BigInteger DEPOSIT = BigInteger.valueOf(3 * CODE_SIZE);
    /** More than every deploy of a deployer could cost, so only the quotas can refuse. */
    private static final BigInteger INITIAL = BigInteger.valueOf(10_000);

    private record Answer(String deployer, int status, String error, String quota, Integer used, Integer limit,
            String body) {
    }

    @RepeatedTest(10)
    void concurrentDeploysFillTheQuotasExactly() throws Exception {
        String owner = Fixtures.account("owner");
        String treasury = Fixtures.account("treasury");
        String clusterId = Fixtures.clusterWith(owner, Map.of(
                "permission", Map.of("rule", "PUBLIC"),
                "quota", Map.of("maxContracts", MAX_CONTRACTS, "maxContractsPerDeployer", MAX_PER_DEPLOYER),
                "pricing", Map.of("deployFee", FEE.toString(), "depositPerByte", "3"),
                "treasury", treasury));
        List<String> deployers = new ArrayList<>();
        for (int i = 0; i < DEPLOYERS; i++) {
            String deployer = Fixtures.account("racer");
            Fixtures.fund(deployer, INITIAL.toString());
            deployers.add(deployer);
        }

        List<Answer> answers = deployAllAtOnce(clusterId, deployers);

        for (Answer a : answers) {
            assertTrue(a.status() == 200 || (a.status() == 409 && "QUOTA_EXCEEDED".equals(a.error())),
                    "every answer is a success or 409 QUOTA_EXCEEDED: " + a);
        }
        List<Answer> refused = answers.stream().filter(a -> a.status() != 200).toList();
        Map<String, Long> successes = answers.stream().filter(a -> a.status() == 200)
                .collect(Collectors.groupingBy(Answer::deployer, Collectors.counting()));
        long total = successes.values().stream().mapToLong(Long::longValue).sum();
        assertEquals(MAX_CONTRACTS, total, "exactly maxContracts deploys succeed");
        assertEquals(DEPLOYERS * DEPLOYS_EACH - MAX_CONTRACTS, refused.size());
        successes.forEach((deployer, n) -> assertTrue(n <= MAX_PER_DEPLOYER, deployer + " deployed " + n));
        for (Answer a : refused) {
            // A refusal names a quota that was full when it was decided (and nothing is undeployed here).
            assertEquals(a.limit(), a.used(), a.toString());
            if ("maxContracts".equals(a.quota())) {
                assertEquals(MAX_CONTRACTS, a.limit());
            } else {
                assertEquals("maxContractsPerDeployer", a.quota(), a.toString());
                assertEquals(MAX_PER_DEPLOYER, a.limit());
                assertEquals(MAX_PER_DEPLOYER, successes.getOrDefault(a.deployer(), 0L), a.toString());
            }
        }

        assertEquals(MAX_CONTRACTS, (int) Api.anonymous().get("cluster", Map.of("id", clusterId)).statusCode(200)
                .extract().path("contracts"));
        assertEquals(FEE.multiply(BigInteger.valueOf(MAX_CONTRACTS)), balance(treasury, "free"),
                "the treasury received exactly the fees of the deploys that succeeded");
        BigInteger deposits = BigInteger.ZERO;
        for (String deployer : deployers) {
            BigInteger n = BigInteger.valueOf(successes.getOrDefault(deployer, 0L));
            assertEquals(INITIAL.subtract(FEE.add(DEPOSIT).multiply(n)), balance(deployer, "free"), deployer);
            assertEquals(DEPOSIT.multiply(n), balance(deployer, "deposits"), deployer);
            deposits = deposits.add(balance(deployer, "deposits"));
        }
        assertEquals(DEPOSIT.multiply(BigInteger.valueOf(MAX_CONTRACTS)), deposits,
                "the deposit accounts hold exactly the deposits of the deploys that succeeded");
        LedgerCheck.assertInvariant();
    }

    /** Every deployer deploys DEPLOYS_EACH distinct contracts, all released at the same moment. */
    private static List<Answer> deployAllAtOnce(String clusterId, List<String> deployers) throws Exception {
        int requests = deployers.size() * DEPLOYS_EACH;
        ExecutorService pool = Executors.newFixedThreadPool(requests);
        try {
            CountDownLatch ready = new CountDownLatch(requests);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Answer>> futures = new ArrayList<>();
            for (String deployer : deployers) {
                Api as = Api.as(deployer);
                for (int i = 0; i < DEPLOYS_EACH; i++) {
                    String codeHash = Fixtures.hex64();
                    futures.add(pool.submit(() -> {
                        ready.countDown();
                        go.await();
                        ExtractableResponse<Response> r = as.post("deploy", Map.of("clusterId", clusterId,
                                "codeHash", codeHash, "codeSize", CODE_SIZE)).extract();
                        boolean ok = r.statusCode() == 200;
                        return new Answer(deployer, r.statusCode(), ok ? null : r.path("error"),
                                ok ? null : r.path("details.quota"), ok ? null : r.path("details.used"),
                                ok ? null : r.path("details.limit"), r.asString());
                    }));
                }
            }
            assertTrue(ready.await(1, TimeUnit.MINUTES), "all requests ready");
            go.countDown();
            List<Answer> answers = new ArrayList<>();
            for (Future<Answer> f : futures) {
                // A bound far above any normal run: reaching it means requests are stuck.
                answers.add(f.get(5, TimeUnit.MINUTES));
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }

    private static BigInteger balance(String account, String part) {
        ExtractableResponse<Response> b = ADMIN.get("balance", Map.of("account", account)).extract();
        return new BigInteger(b.statusCode() == 404 ? "0" : b.path(part));
    }
}
