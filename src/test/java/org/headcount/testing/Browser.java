package org.headcount.testing;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One headless Debian Chromium, driven by Debian's chromedriver, with a fresh profile: a person's browser window.
 * Both binaries are named explicitly so Selenium Manager never tries to download anything.
 */
public final class Browser implements AutoCloseable {

    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Dimension WINDOW = new Dimension(1280, 900);
    private static final Duration POLL = Duration.ofMillis(50);

    private final Path profile;
    private final ChromeDriver driver;
    private boolean closed;

    private Browser() throws IOException {
        profile = Files.createTempDirectory("headcount-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile,
                "--window-size=" + WINDOW.getWidth() + "," + WINDOW.getHeight());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        try {
            driver = new ChromeDriver(service, options);
        } catch (RuntimeException e) {
            delete(profile);
            throw e;
        }
    }

    /**
     * Starts a browser. Fails, never skips, when Chromium or chromedriver is missing: CI installs both, so their
     * absence is a broken setup to see, not a reason to pass quietly.
     */
    public static Browser open() throws IOException {
        for (Path binary : new Path[] {CHROMIUM, CHROMEDRIVER}) {
            if (!Files.isExecutable(binary)) {
                throw new AssertionError(binary + " is missing: the browser tests need Debian's chromium and "
                        + "chromium-driver (apt-get install -y --no-install-recommends chromium chromium-driver; .ci/run does this)");
            }
        }
        return new Browser();
    }

    public void get(URI uri) {
        driver.get(uri.toString());
    }

    /**
     * Opens another window of this same browser (one profile: the same localStorage, so the same visitor) and makes
     * it the current one; answers the handle of the window that was current.
     */
    public String newWindow() {
        String before = driver.getWindowHandle();
        driver.switchTo().newWindow(WindowType.WINDOW);
        return before;
    }

    /** Closes the current window and makes the window {@code next} current. */
    public void closeWindow(String next) {
        driver.close();
        driver.switchTo().window(next);
    }

    public WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    /** The text of the element {@code css} matches, or null while there is none. */
    public String text(String css) {
        var found = driver.findElements(By.cssSelector(css));
        return found.isEmpty() ? null : found.get(0).getText();
    }

    public Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    /** Waits, polling, until the script {@code js} returns true; fails with {@code what} and the last value it returned. */
    public void await(String what, Duration within, String js, Object... args) {
        Object[] last = new Object[1];
        try {
            new WebDriverWait(driver, within, POLL).until(d -> {
                last[0] = script(js, args);
                return Boolean.TRUE.equals(last[0]);
            });
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("not within " + within + ": " + what + " (" + describe() + ")", e);
        }
    }

    /** Waits until the element {@code css} shows exactly {@code expected}. */
    public void awaitText(String css, String expected, Duration within) {
        String[] last = new String[1];
        try {
            new WebDriverWait(driver, within, POLL).until(d -> expected.equals(last[0] = text(css)));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("not within " + within + ": " + css + " showing \"" + expected + "\"; it showed \""
                    + last[0] + "\" (" + describe() + ")", e);
        }
    }

    /** Where the page is and what its status line says, for failure messages. */
    public String describe() {
        try {
            return driver.getCurrentUrl() + ", #status: " + text("#status");
        } catch (RuntimeException e) {
            return "the page cannot be read: " + e.getMessage();
        }
    }

    public void resize(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    /** Saves a PNG of the viewport to {@code file}. */
    public void screenshot(Path file) throws IOException {
        Path shot = driver.getScreenshotAs(OutputType.FILE).toPath();
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.move(shot, file, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Quits the browser (closing its connections, as a closed window does) and removes its profile. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            driver.quit();
        } finally {
            delete(profile);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // A profile left in the temp dir is harmless.
        }
    }
}
