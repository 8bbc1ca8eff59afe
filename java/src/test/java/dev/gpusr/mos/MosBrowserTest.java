package dev.gpusr.mos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The rating page in a real headless browser (Debian's chromium and chromium-driver, which .ci/run installs): from
 * the first image to the thank-you page with the keyboard, then the ratings are looked up in the database. The
 * driver and browser are named explicitly, so Selenium Manager never runs (no download, no network). Skips only when
 * chromium or chromedriver is absent.
 */
class MosBrowserTest {
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path SELENIUM_CACHE = Path.of(System.getProperty("user.home"), ".cache", "selenium");

    @TempDir
    Path dir;

    static ChromeDriver start(Path profile) {
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        // Selenium passes SE_* properties to Selenium Manager should it ever start: then it must stay offline
        System.setProperty("SE_OFFLINE", "true");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogOutput(new PrintStream(new ByteArrayOutputStream()))
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1100,800", "--user-data-dir=" + profile);
        return new ChromeDriver(service, options);
    }

    @Test
    void keyboardFromFirstImageToThankYouThenRatingsInTheDatabase() throws Exception {
        assumeTrue(Files.isExecutable(CHROMEDRIVER) && Files.isExecutable(CHROMIUM),
                "chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)");
        boolean seleniumCacheBefore = Files.exists(SELENIUM_CACHE);
        Study study = TestStudies.make(dir, 2); // 4 images to rate
        Path db = dir.resolve("ratings.db");
        Map<String, Integer> given = new HashMap<>();
        String rater;
        try (RatingStore store = RatingStore.open(db);
                RatingServer server = RatingServer.start(study, store, "127.0.0.1", 0, new PrintStream(new ByteArrayOutputStream()))) {
            ChromeDriver driver = start(Files.createDirectories(dir.resolve("profile")));
            try {
                WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
                driver.get(server.url());
                wait.until(ExpectedConditions.textToBe(By.id("position"), "1"));
                assertEquals("4", driver.findElement(By.id("total")).getText());
                // the image is really loaded and shown at its own size
                WebElement img = driver.findElement(By.cssSelector("#test img"));
                wait.until(d -> (Boolean) ((JavascriptExecutor) d).executeScript("return arguments[0].complete && arguments[0].naturalWidth > 0", img));
                assertEquals(48L, ((Number) driver.executeScript("return arguments[0].naturalWidth", img)).longValue());
                assertEquals(48, img.getSize().getWidth());

                // R shows and hides the original
                WebElement reference = driver.findElement(By.id("reference"));
                assertFalse(reference.isDisplayed());
                new Actions(driver).sendKeys("r").perform();
                wait.until(ExpectedConditions.visibilityOf(reference));
                assertEquals("true", driver.findElement(By.id("toggle-reference")).getAttribute("aria-pressed"));
                new Actions(driver).sendKeys("R").perform();
                wait.until(ExpectedConditions.invisibilityOf(reference));

                // the rater cookie is HttpOnly and SameSite=Strict: the page's script cannot read it
                Cookie cookie = driver.manage().getCookieNamed(RequestGuard.COOKIE);
                assertNotNull(cookie);
                assertTrue(cookie.isHttpOnly());
                assertEquals("Strict", cookie.getSameSite());
                assertFalse(String.valueOf(driver.executeScript("return document.cookie")).contains(RequestGuard.COOKIE));
                rater = cookie.getValue();

                String[] keys = {"5", "2", "4", "1"};
                for (int i = 1; i <= 4; i++) {
                    wait.until(ExpectedConditions.textToBe(By.id("position"), Integer.toString(i)));
                    String image = driver.findElement(By.name("image")).getAttribute("value");
                    WebElement page = driver.findElement(By.tagName("html"));
                    new Actions(driver).sendKeys(keys[i - 1]).perform();
                    wait.until(ExpectedConditions.stalenessOf(page));
                    given.put(image, Integer.parseInt(keys[i - 1]));
                }
                wait.until(ExpectedConditions.presenceOfElementLocated(By.id("thanks")));
                assertTrue(driver.findElement(By.id("thanks")).getText().contains("rated all 4 images"));
                // a reload stays on the thank-you page
                driver.navigate().refresh();
                wait.until(ExpectedConditions.presenceOfElementLocated(By.id("thanks")));
            } finally {
                driver.quit();
            }
        }
        try (RatingStore store = RatingStore.open(db)) {
            List<RatingStore.Rating> ratings = store.ratings(study.id());
            assertEquals(4, ratings.size());
            for (RatingStore.Rating r : ratings) {
                assertEquals(rater, r.rater());
                assertEquals(given.get(r.image()), r.score(), "image " + r.image());
                assertEquals(study.byId().get(r.image()).method(), r.method());
            }
            assertEquals(List.of(1, 2, 3, 4), ratings.stream().map(RatingStore.Rating::position).toList());
        }
        if (!seleniumCacheBefore) assertFalse(Files.exists(SELENIUM_CACHE), "Selenium Manager ran (it made " + SELENIUM_CACHE + ")");
    }
}
