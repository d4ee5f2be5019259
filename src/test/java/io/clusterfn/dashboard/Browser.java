package io.clusterfn.dashboard;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Headless Chromium from the operating system (Debian's {@code chromium}), driven through its own
 * {@code chromedriver} (Debian's {@code chromium-driver}, built from the same source, so the two
 * always match). Nothing is downloaded: both are given by path, which also keeps Selenium Manager
 * out of it. Without them the browser tests are skipped, unless {@code CLUSTERFN_BROWSER_TESTS=required}.
 */
final class Browser implements AutoCloseable {
    static final String REQUIRED_ENV = "CLUSTERFN_BROWSER_TESTS";
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final int WIDTH = 1280;
    private static final int HEIGHT = 900;

    final ChromeDriver driver;
    private final Path profile;

    private Browser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** A browser, or the test is skipped (or failed, where browser tests are required) when none is installed. */
    static Browser start() {
        Optional<Path> chromium = find("CLUSTERFN_CHROMIUM", "chromium", "chromium-browser", "google-chrome");
        Optional<Path> chromedriver = find("CLUSTERFN_CHROMEDRIVER", "chromedriver");
        if (chromium.isEmpty() || chromedriver.isEmpty()) {
            String missing = "no " + (chromium.isEmpty() ? "chromium (CLUSTERFN_CHROMIUM" : "chromedriver (CLUSTERFN_CHROMEDRIVER")
                    + " or PATH): install Debian's chromium and chromium-driver packages"
                    + " (apt-get install chromium chromium-driver) to run the dashboard's browser tests";
            if ("required".equalsIgnoreCase(System.getenv(REQUIRED_ENV))) {
                Assertions.fail(missing + " (" + REQUIRED_ENV + "=required)");
            }
            Assumptions.abort(missing);
        }
        try {
            Path profile = Files.createTempDirectory("clusterfn-chromium-");
            ChromeOptions options = new ChromeOptions();
            options.setBinary(chromium.get().toFile());
            // No sandbox: CI runs as root. No background networking: this machine's network is closed
            // and Chromium's own calls home would only fail and slow it down.
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-quic", "--no-first-run", "--disable-extensions", "--force-device-scale-factor=1",
                    "--lang=en-US", "--window-size=" + WIDTH + "," + HEIGHT, "--user-data-dir=" + profile);
            Path log = Path.of("target", "chromedriver.log");
            Files.createDirectories(log.getParent());
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(chromedriver.get().toFile())
                    .usingAnyFreePort()
                    .withLogFile(log.toFile())
                    .build();
            return new Browser(new ChromeDriver(service, options), profile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Optional<Path> find(String override, String... names) {
        String given = System.getenv(override);
        if (given != null && !given.isBlank()) {
            return Optional.of(Path.of(given)).filter(Files::isExecutable);
        }
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("") + File.pathSeparator + "/usr/bin";
        for (String name : names) {
            for (String dir : path.split(File.pathSeparator)) {
                if (dir.isEmpty()) {
                    continue;
                }
                Path candidate = Path.of(dir, name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    /** Opens a page of the dashboard by its hash route and waits until that page is on screen. */
    void open(String base, String route) {
        driver.get(base + "#" + route);
        waitForPage(route);
    }

    /** Waits until the dashboard has finished rendering the given route (what main's data-page says). */
    void waitForPage(String route) {
        until(d -> route.equals(d.findElement(By.id("main")).getDomAttribute("data-page"))
                && "false".equals(d.findElement(By.id("main")).getDomAttribute("aria-busy")),
                "page " + route);
    }

    /** Waits until the dashboard shows some finished page and answers its route. */
    String waitForAnyPage(java.util.function.Predicate<String> accept, String what) {
        until(d -> {
            String page = d.findElement(By.id("main")).getDomAttribute("data-page");
            return page != null && accept.test(page) && "false".equals(d.findElement(By.id("main")).getDomAttribute("aria-busy"));
        }, what);
        return driver.findElement(By.id("main")).getDomAttribute("data-page");
    }

    <T> T until(Function<ChromeDriver, T> condition, String what) {
        return new WebDriverWait(driver, WAIT).withMessage("waiting for " + what)
                .ignoring(StaleElementReferenceException.class)
                .until(d -> condition.apply((ChromeDriver) d));
    }

    WebElement find(By by) {
        return driver.findElement(by);
    }

    List<WebElement> all(By by) {
        return driver.findElements(by);
    }

    String text(By by) {
        return driver.findElement(by).getText().trim();
    }

    /** A screenshot of the whole page (beyond the window's height) under target/screenshots/, for people to look at. */
    Path screenshot(String name) {
        try {
            Path dir = Path.of("target", "screenshots");
            Files.createDirectories(dir);
            Map<String, Object> metrics = driver.executeCdpCommand("Page.getLayoutMetrics", Map.of());
            @SuppressWarnings("unchecked")
            Map<String, Number> content = (Map<String, Number>) metrics.get("cssContentSize");
            Map<String, Object> clip = Map.of("x", 0, "y", 0, "scale", 1,
                    "width", content.get("width").doubleValue(), "height", Math.min(content.get("height").doubleValue(), 8000));
            Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot",
                    Map.of("format", "png", "captureBeyondViewport", true, "clip", clip));
            Path target = dir.resolve(name + ".png");
            Files.write(target, Base64.getDecoder().decode((String) shot.get("data")));
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // A leftover temporary profile is harmless.
            }
        }
    }
}
