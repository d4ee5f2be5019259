package io.clusterfn.dashboard;

import io.clusterfn.support.Api;
import io.clusterfn.support.Fixtures;
import io.clusterfn.support.FunctionTest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.clusterfn.support.Fixtures.PHA;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard in a real browser against the running service: a world is made through the
 * public functions, then the pages are read as a person reads them (names, counts, runway,
 * shares, amounts in PHA), links are followed by id, the owner filter and paging are used, and
 * every page is saved as a screenshot under target/screenshots/.
 */
@QuarkusTest
class DashboardTest extends FunctionTest {
    private static final String CODE_SIZE = "2048";
    private static Browser browser;
    private static World world;

    /** Two clusters of one owner, one of another; two contracts staked 1 and 3 PHA in the first. */
    record World(String owner, String otherOwner, String deployer, String alpha, String alphaName, String beta,
            String betaName, String smallContract, String bigContract, String codeHash, List<String> alphaWorkers) {
    }

    /**
     * Made once per class, after the browser is known to be there (without it nothing needs a world).
     * A 503 (the store did not answer in time, as on a cold start on a loaded machine) says "try
     * again": the world is then made afresh, with new accounts, at most three times.
     */
    private static void buildWorld() {
        for (int attempt = 1; world == null; attempt++) {
            try {
                world = newWorld();
            } catch (AssertionError e) {
                if (attempt == 3 || e.getMessage() == null || !e.getMessage().contains("<503>")) {
                    throw e;
                }
            }
        }
    }

    private static World newWorld() {
        String suffix = Fixtures.account("x").substring(2);
        String owner = Fixtures.account("owner");
        String otherOwner = Fixtures.account("owner");
        String deployer = Fixtures.account("dev");
        String staker = Fixtures.account("staker");
        String operator = Fixtures.account("op");
        Fixtures.fund(owner, "1000" + PHA);
        Fixtures.fund(otherOwner, "1000" + PHA);
        Fixtures.fund(deployer, "1" + PHA);
        Fixtures.fund(staker, "10" + PHA);

        // beta: one worker, 5 epochs prepaid, default rules; its owner deploys one contract there.
        String betaName = "Beta " + suffix;
        String betaWorker = Fixtures.worker(operator, "1" + PHA);
        String beta = Api.as(owner).post("formCluster", Map.of("name", betaName,
                "workers", List.of(betaWorker), "prepaidEpochs", 5))
                .statusCode(200).extract().path("id");
        Api.as(otherOwner).post("formCluster", Map.of("name", "Gamma " + suffix,
                "workers", List.of(Fixtures.worker(operator, "1" + PHA)), "prepaidEpochs", 3)).statusCode(200);

        // alpha: two workers at 1 PHA an epoch, 12 epochs prepaid; an allow list, a quota, a price,
        // and messages taken from beta only.
        String w1 = Fixtures.worker(operator, "1" + PHA);
        String w2 = Fixtures.worker(operator, "1" + PHA);
        Map<String, Object> alphaBody = new HashMap<>();
        alphaBody.put("name", "Alpha " + suffix);
        alphaBody.put("workers", List.of(w1, w2));
        alphaBody.put("prepaidEpochs", 12);
        alphaBody.put("permission", Map.of("rule", "ALLOW_LIST", "accounts", List.of(deployer, owner)));
        alphaBody.put("quota", Map.of("maxContracts", 10, "maxContractsPerDeployer", 5));
        alphaBody.put("pricing", Map.of("deployFee", "1000000000", "depositPerByte", "1000"));
        alphaBody.put("messaging", Map.of("accept", "ALLOW_LIST", "clusters", List.of(beta), "fee", "1000000000",
                "maxMessageSize", 1024, "channelCapacity", 10));
        String alpha = Api.as(owner).post("formCluster", alphaBody).statusCode(200).extract().path("id");

        String codeHash = Fixtures.hex64();
        String small = deploy(deployer, alpha, codeHash, "a");
        String big = deploy(deployer, alpha, codeHash, "b");
        stake(staker, small, "1" + PHA);
        stake(staker, big, "3" + PHA);

        // One message from beta's contract waits in alpha's inbox.
        String sender = deploy(owner, beta, Fixtures.hex64(), "s");
        Api.as(operator, "operator").post("send", Map.of("workerId", betaWorker, "from", sender, "to", small,
                "nonce", "n-1", "payload", "aGVsbG8=")).statusCode(200);
        return new World(owner, otherOwner, deployer, alpha, "Alpha " + suffix, beta, betaName, small, big, codeHash,
                List.of(w1, w2));
    }

    private static String deploy(String deployer, String cluster, String codeHash, String salt) {
        return Api.as(deployer).post("deploy", Map.of("clusterId", cluster, "codeHash", codeHash,
                "codeSize", Integer.parseInt(CODE_SIZE), "salt", salt)).statusCode(200).extract().path("id");
    }

    private static void stake(String staker, String contract, String amount) {
        Api.as(staker).post("stake", Map.of("contractId", contract, "amount", amount)).statusCode(200);
    }

    private static Browser browser() {
        if (browser == null) {
            browser = Browser.start();
        }
        buildWorld();
        return browser;
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.close();
            browser = null;
        }
        world = null;
    }

    private String base() {
        return "http://localhost:" + RestAssured.port + "/";
    }

    private String shot(String name) {
        return browser().screenshot(getClass().getSimpleName() + "-" + name).toString();
    }

    private static By field(String name) {
        return By.cssSelector("[data-field='" + name + "']");
    }

    private static String rowText(WebElement row, String field) {
        return row.findElement(field(field)).getText().trim();
    }

    // --- without a browser: the dashboard's files are what `/` serves ---------------------------

    @Test
    void rootServesTheDashboardAndUnknownPathsStayJson() {
        given().get("/").then().statusCode(200).contentType(containsString("text/html"))
                .body(containsString("<script type=\"module\" src=\"app.js\"></script>"));
        given().get("/index.html").then().statusCode(200).contentType(containsString("text/html"));
        for (String module : List.of("app.js", "api.js", "views.js", "charts.js", "format.js", "dom.js")) {
            given().get("/" + module).then().statusCode(200).contentType(containsString("javascript"));
        }
        given().get("/style.css").then().statusCode(200).contentType(containsString("text/css"));
        given().get("/no-such-page").then().statusCode(404).contentType(startsWith("application/json"))
                .body("error", equalTo("NOT_FOUND"));
    }

    // --- in the browser ---------------------------------------------------------------------------

    @Test
    void clustersListShowsFiguresAndFiltersByOwnerAndStatus() {
        Browser b = browser();
        b.driver.get(base());
        b.waitForPage("/clusters");
        assertEquals("Clusters", b.text(By.tagName("h1")));
        assertTrue(b.all(By.cssSelector("table.clusters tbody tr")).size() >= 1, "every owner's clusters, unfiltered");
        shot("clusters");

        // The filter form, as a person uses it: type the owner, pick a status, apply.
        WebElement owner = b.find(By.id("filter-owner"));
        owner.clear();
        owner.sendKeys(world.owner());
        new Select(b.find(By.id("filter-status"))).selectByVisibleText("Active");
        b.find(By.cssSelector("form.filters button[type=submit]")).click();
        String route = b.waitForAnyPage(p -> p.contains("owner=" + world.owner()), "the owner's clusters");
        assertTrue(route.contains("status=ACTIVE"), route);
        assertTrue(b.driver.getCurrentUrl().contains("owner=" + world.owner()), "the filter is in the URL");

        List<WebElement> rows = b.all(By.cssSelector("table.clusters tbody tr"));
        assertEquals(2, rows.size(), "the owner's two clusters, not the other owner's");
        WebElement alpha = b.find(By.cssSelector("tr[data-cluster='" + world.alpha() + "']"));
        assertTrue(alpha.getText().contains(world.alphaName()), alpha.getText());
        assertEquals("ACTIVE", rowText(alpha, "status"));
        assertEquals(world.owner(), rowText(alpha, "owner"));
        assertEquals("2 / 2", rowText(alpha, "workers"));
        assertEquals("12 epochs", rowText(alpha, "runway"));
        assertEquals("2", rowText(alpha, "contracts"));
        assertEquals("4 PHA", rowText(alpha, "stake"));
        assertEquals("runway 12 epochs on a scale of 168",
                alpha.findElement(By.cssSelector("svg.bar")).getDomAttribute("aria-label"));

        WebElement beta = b.find(By.cssSelector("tr[data-cluster='" + world.beta() + "']"));
        assertTrue(beta.getText().contains(world.betaName()), beta.getText());
        assertEquals("1 / 1", rowText(beta, "workers"));
        assertEquals("5 epochs", rowText(beta, "runway"));
        assertEquals("1", rowText(beta, "contracts"));
        assertEquals("0 PHA", rowText(beta, "stake"));
        assertTrue(b.find(By.cssSelector(".legend")).getText().contains("168 epochs"), "the runway scale is stated");
        shot("clusters-by-owner");

        // No suspended cluster of this owner: the page says so.
        new Select(b.find(By.id("filter-status"))).selectByVisibleText("Suspended");
        b.find(By.cssSelector("form.filters button[type=submit]")).click();
        b.waitForAnyPage(p -> p.contains("status=SUSPENDED"), "the suspended filter");
        assertEquals("No clusters owned by " + world.owner() + ", suspended.", b.text(By.cssSelector("p.empty")));

        // Another owner, typed into a fresh form.
        b.open(base(), "/clusters");
        b.find(By.id("filter-owner")).sendKeys(world.otherOwner());
        b.find(By.cssSelector("form.filters button[type=submit]")).click();
        b.waitForAnyPage(p -> p.contains("owner=" + world.otherOwner()), "the other owner's clusters");
        List<WebElement> others = b.all(By.cssSelector("table.clusters tbody tr"));
        assertEquals(1, others.size());
        assertTrue(others.get(0).getText().contains("Gamma"), others.get(0).getText());
        assertEquals("3 epochs", rowText(others.get(0), "runway"));
    }

    @Test
    void pagingWalksTheClustersOneByOne() {
        Browser b = browser();
        b.open(base(), "/clusters?owner=" + world.owner() + "&limit=1");
        List<WebElement> first = b.all(By.cssSelector("table.clusters tbody tr"));
        assertEquals(1, first.size());
        String firstId = first.get(0).getDomAttribute("data-cluster");
        assertEquals("Page 1", b.text(field("page")));
        assertTrue(b.all(By.cssSelector(".pager [rel=prev]")).isEmpty());

        b.find(By.cssSelector(".pager [rel=next]")).click();
        b.waitForAnyPage(p -> p.contains("cursor="), "the second page");
        List<WebElement> second = b.all(By.cssSelector("table.clusters tbody tr"));
        assertEquals(1, second.size());
        String secondId = second.get(0).getDomAttribute("data-cluster");
        assertNotEquals(firstId, secondId);
        assertEquals(List.of(world.alpha(), world.beta()).stream().sorted().toList(),
                List.of(firstId, secondId), "clusters come in id order, each once");
        assertEquals("Page 2", b.text(field("page")));
        assertTrue(b.all(By.cssSelector(".pager [rel=next]")).isEmpty(), "the last page has no next");
        shot("clusters-page-2");

        b.find(By.cssSelector(".pager [rel=prev]")).click();
        b.waitForAnyPage(p -> !p.contains("cursor="), "back on the first page");
        assertEquals(firstId, b.find(By.cssSelector("table.clusters tbody tr")).getDomAttribute("data-cluster"));
    }

    @Test
    void clusterPageShowsWorkersRulesAndStakeShares() {
        Browser b = browser();
        // Reached from the list by its name, as a person would.
        b.open(base(), "/clusters?owner=" + world.owner());
        b.find(By.cssSelector("tr[data-cluster='" + world.alpha() + "'] a.name")).click();
        b.waitForPage("/cluster/" + world.alpha());

        assertEquals(world.alphaName(), b.text(field("name")));
        assertTrue(b.text(By.tagName("h1")).contains("ACTIVE"));
        assertEquals(world.alpha(), b.text(field("id")));
        assertEquals("2 / 2", b.text(field("workersOnline")));
        assertEquals("12 epochs", b.text(field("runway")));
        assertEquals("24 PHA", b.text(field("escrow")));
        assertEquals("2 PHA", b.text(field("rent")));
        assertEquals("2 of 10", b.text(field("contracts")));
        assertEquals("4 PHA", b.text(field("totalStake")));
        assertEquals(world.owner(), b.text(field("owner")));
        assertEquals("Accounts on an allow list: " + world.deployer() + ", " + world.owner(), b.text(field("rule")));
        assertEquals("At most 10 contracts, 5 per deployer, code up to 2 MiB", b.text(field("quota")));
        assertEquals("Fee 0.001 PHA per deploy, deposit 1,000 units per byte of code, returned on undeploy",
                b.text(field("pricing")));
        assertEquals("1,000,000,000 units",
                b.find(By.cssSelector("[data-field=pricing] .amount")).getDomAttribute("title"), "units on hover");

        // Workers: status and the epoch each was last heard in (joining counts as being heard).
        List<WebElement> workers = b.all(By.cssSelector("table.workers tbody tr"));
        assertEquals(2, workers.size());
        for (String id : world.alphaWorkers()) {
            Number joined = Api.anonymous().get("cluster", Map.of("id", world.alpha())).statusCode(200).extract()
                    .path("workers.find { it.id == '" + id + "' }.joinedEpoch");
            WebElement row = b.find(By.cssSelector("tr[data-worker='" + id + "']"));
            assertEquals("ASSIGNED", rowText(row, "status"));
            assertTrue(rowText(row, "lastHeard").matches("epoch " + joined + "( \\(joined\\))?"), rowText(row, "lastHeard"));
        }

        // Contracts: 1 and 3 PHA of stake are 25% and 75% of the compute, in the table and the ring.
        WebElement small = b.find(By.cssSelector("tr[data-contract='" + world.smallContract() + "']"));
        WebElement big = b.find(By.cssSelector("tr[data-contract='" + world.bigContract() + "']"));
        assertEquals("25%", rowText(small, "share"));
        assertEquals("75%", rowText(big, "share"));
        assertEquals("1 PHA", rowText(small, "stake"));
        assertEquals("3 PHA", rowText(big, "stake"));
        assertEquals(world.deployer(), rowText(small, "deployer"));
        List<String> slices = b.all(By.cssSelector("svg.ring circle.slice")).stream()
                .map(s -> s.getDomAttribute("data-share")).toList();
        assertEquals(List.of("75%", "25%"), slices);
        assertTrue(b.find(By.cssSelector("svg.ring")).getText().contains("4 PHA"), "the ring's centre is the total stake");

        // Messages: who may send, and how many wait in the inbox.
        assertEquals("1 queued", b.text(field("inbox")));
        assertEquals("Accepts messages from " + world.betaName() + "; fee 0.001 PHA per message, up to 1 KiB, 10 queued per channel",
                b.text(field("messaging")));

        shot("cluster");

        // The owner's name links to the clusters of that owner.
        b.find(field("owner")).click();
        b.waitForAnyPage(p -> p.equals("/clusters?owner=" + world.owner()), "the owner's clusters");
        assertEquals(2, b.all(By.cssSelector("table.clusters tbody tr")).size());

        // The other cluster: default rules in words, no contracts.
        b.open(base(), "/cluster/" + world.beta());
        assertEquals("Only the owner may deploy", b.text(field("rule")));
        assertEquals("Any number of contracts, no limit per deployer, code up to 2 MiB", b.text(field("quota")));
        assertEquals("Free: no fee, no deposit", b.text(field("pricing")));
        assertEquals("Accepts no messages from other clusters", b.text(field("messaging")));
        assertEquals("No stake on these contracts yet, so none has a share of the compute.",
                b.text(By.cssSelector("section[aria-labelledby=contracts-h] p.empty")));
        assertEquals("0%", b.text(field("share")));
    }

    @Test
    void contractPageShowsDeployerCodeDepositAndShare() {
        Browser b = browser();
        b.open(base(), "/cluster/" + world.alpha());
        b.find(By.cssSelector("tr[data-contract='" + world.smallContract() + "'] a.id")).click();
        b.waitForPage("/contract/" + world.smallContract());

        assertTrue(b.text(By.tagName("h1")).contains("DEPLOYED"));
        assertEquals(world.smallContract(), b.text(field("id")));
        assertEquals(world.deployer(), b.text(field("deployer")));
        assertEquals(world.codeHash(), b.text(field("codeHash")));
        assertEquals("2 KiB (2,048 bytes)", b.text(field("codeSize")));
        assertEquals("0.001 PHA", b.text(field("feePaid")));
        WebElement deposit = b.find(By.cssSelector("[data-field=deposit] .amount"));
        assertEquals("0.000002048 PHA", deposit.getText());
        assertEquals("2,048,000 units", deposit.getDomAttribute("title"));
        assertEquals("1 PHA", b.text(field("stake")));
        assertEquals("100", b.text(field("weight")));
        assertEquals("25%", b.text(field("share")));
        assertEquals(world.alphaName(), b.text(field("cluster")));
        shot("contract");

        // The cluster link leads back by id.
        b.find(field("cluster")).click();
        b.waitForPage("/cluster/" + world.alpha());
        assertEquals(world.alphaName(), b.text(field("name")));
    }

    @Test
    void idsOpenTheirPagesAndUnknownIdsReadAsMessages() {
        Browser b = browser();
        String nobody = "0x" + "0".repeat(64);
        b.open(base(), "/cluster/" + nobody);
        assertEquals("No cluster " + nobody, b.text(By.cssSelector("[role=alert] .error-message")));
        shot("unknown-cluster");

        b.open(base(), "/contract/" + nobody);
        assertEquals("No contract " + nobody, b.text(By.cssSelector("[role=alert] .error-message")));

        b.open(base(), "/no-such-page/%zz");
        assertTrue(b.text(By.cssSelector("[role=alert] .error-message")).startsWith("This dashboard has no page"));

        b.open(base(), "/cluster/not-an-id");
        String refusal = b.text(By.cssSelector("[role=alert]"));
        assertTrue(refusal.contains("Not a valid request") && refusal.contains("400 INVALID_INPUT"), refusal);

        // The header's "Open by id" finds a contract or a cluster by its id alone.
        WebElement open = b.find(By.id("open-id-input"));
        open.sendKeys(world.bigContract().toUpperCase().replace("0X", "0x"));
        b.find(By.cssSelector("#open-id button")).click();
        b.waitForPage("/contract/" + world.bigContract());
        assertEquals("75%", b.text(field("share")));
        assertEquals("3 PHA", b.text(field("stake")));

        b.find(By.id("open-id-input")).sendKeys(world.beta());
        b.find(By.cssSelector("#open-id button")).click();
        b.waitForPage("/cluster/" + world.beta());
        assertEquals(world.betaName(), b.text(field("name")));

        b.find(By.id("open-id-input")).sendKeys(nobody);
        b.find(By.cssSelector("#open-id button")).click();
        b.waitForPage("/id/" + nobody);
        assertEquals("No cluster or contract " + nobody, b.text(By.cssSelector("[role=alert] .error-message")));
    }
}
