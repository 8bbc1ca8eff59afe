package dev.gpusr.mos;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rating server's endpoints over real HTTP on a loopback ephemeral port. */
class RatingServerTest {
    @TempDir
    Path dir;

    private Study study;
    private Path dbFile;
    private RatingStore store;
    private RatingServer server;
    private int port;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    /** What GET / showed a rater. */
    record Page(String cookie, String csrf, String image, int position, String html) {}

    @BeforeEach
    void start() throws IOException {
        study = TestStudies.make(dir, 2); // 2 sources x (bicubic, original): 4 images to rate
        dbFile = dir.resolve("ratings.db");
        store = RatingStore.open(dbFile);
        server = RatingServer.start(study, store, "127.0.0.1", 0, new PrintStream(log, true, StandardCharsets.UTF_8));
        port = server.port();
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
        if (store != null) store.close();
    }

    private Page open(String cookie) throws IOException {
        RawHttp.Response r = cookie == null ? RawHttp.get(port, "/") : RawHttp.get(port, "/", "Cookie: " + cookie);
        assertEquals(200, r.status());
        String setCookie = r.header("Set-Cookie");
        if (cookie == null) {
            assertNotNull(setCookie, "a new rater gets a cookie");
            assertTrue(setCookie.contains("HttpOnly"), setCookie);
            assertTrue(setCookie.contains("SameSite=Strict"), setCookie);
            cookie = setCookie.split(";")[0];
            assertTrue(cookie.matches(RequestGuard.COOKIE + "=[0-9a-f]{32}"), cookie);
        } else {
            assertNull(setCookie, "a known rater keeps their id");
        }
        String html = r.text();
        Matcher csrf = Pattern.compile("name=\"csrf\" value=\"([0-9a-f]{64})\"").matcher(html);
        Matcher image = Pattern.compile("name=\"image\" value=\"([0-9a-f]{32})\"").matcher(html);
        Matcher pos = Pattern.compile("id=\"position\">(\\d+)<").matcher(html);
        if (!csrf.find()) return new Page(cookie, null, null, 0, html); // thank-you page
        assertTrue(image.find() && pos.find(), html);
        return new Page(cookie, csrf.group(1), image.group(1), Integer.parseInt(pos.group(1)), html);
    }

    private RawHttp.Response rate(Page p, String image, String score) throws IOException {
        return RawHttp.post(port, "/rate", "image=" + image + "&score=" + score + "&csrf=" + p.csrf(), "Cookie: " + p.cookie(),
                "Origin: http://127.0.0.1:" + port);
    }

    @Test
    void validRatingIsStoredWithTheHiddenMethod() throws Exception {
        Page p = open(null);
        assertEquals(1, p.position());
        assertTrue(p.html().contains("Image <b id=\"position\">1</b> of <b id=\"total\">4</b>"), p.html());
        Study.Entry shown = study.byId().get(p.image());
        RawHttp.Response r = rate(p, p.image(), "4");
        assertEquals(303, r.status(), r.text());
        assertEquals("/", r.header("Location"));
        List<RatingStore.Rating> all = store.ratings(study.id());
        assertEquals(1, all.size());
        RatingStore.Rating got = all.get(0);
        assertEquals(p.cookie().split("=")[1], got.rater());
        assertEquals(p.image(), got.image());
        assertEquals(shown.method(), got.method());
        assertEquals(shown.source(), got.source());
        assertEquals(4, got.score());
        assertEquals(1, got.position());
        assertTrue(got.ratedAt().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z"), got.ratedAt());
        // the next page shows the next image; reloading does not change it
        Page next = open(p.cookie());
        assertEquals(2, next.position());
        assertNotEquals(p.image(), next.image());
        assertEquals(next.image(), open(p.cookie()).image());
    }

    @Test
    void allImagesThenThankYou() throws Exception {
        Page p = open(null);
        java.util.Set<String> pages = new java.util.HashSet<>();
        java.util.Set<String> methods = new java.util.HashSet<>();
        for (int i = 1; i <= 4; i++) {
            assertEquals(i, p.position());
            methods.add(study.byId().get(p.image()).method());
            // blind: apart from the opaque ids and the position, every page is the same, whatever the method
            pages.add(p.html().replaceAll("[0-9a-f]{32,64}", "ID").replaceAll(">\\d<|\"\\d\"|Image \\d of", "N"));
            assertEquals(303, rate(p, p.image(), Integer.toString(i)).status());
            p = open(p.cookie());
        }
        assertNull(p.csrf());
        assertEquals(java.util.Set.of("bicubic", "original"), methods);
        assertEquals(1, pages.size(), "pages differ by more than ids and position: " + pages);
        assertTrue(p.html().contains("id=\"thanks\""), p.html());
        assertEquals(4, store.ratings(study.id()).size());
        assertEquals(4, store.ratedBy(study.id(), p.cookie().split("=")[1]).size());
    }

    @Test
    void scoresOutsideOneToFiveAreRefused() throws Exception {
        Page p = open(null);
        for (String bad : new String[] {"0", "6", "x", "", "3.0", "+3", "%203", "33", "-1", "%E2%91%A2"}) {
            RawHttp.Response r = rate(p, p.image(), bad);
            assertEquals(400, r.status(), "score '" + bad + "': " + r.text());
        }
        assertTrue(store.ratings(study.id()).isEmpty());
    }

    @Test
    void unknownImagesAreRefused() throws Exception {
        Page p = open(null);
        Study.Entry ref = study.byId().get(study.byId().get(p.image()).reference());
        for (String bad : new String[] {Study.newId(), ref.id(), "../manifest.json", p.image().toUpperCase(), ""}) {
            RawHttp.Response r = rate(p, bad, "3");
            assertEquals(400, r.status(), bad + ": " + r.text());
        }
        assertTrue(store.ratings(study.id()).isEmpty());
    }

    @Test
    void imagesAreServedByIdOnly() throws Exception {
        Study.Entry e = study.rated().get(0);
        RawHttp.Response ok = RawHttp.get(port, "/image/" + e.id());
        assertEquals(200, ok.status());
        assertEquals("image/png", ok.header("Content-Type"));
        assertArrayEquals(Files.readAllBytes(study.file(e)), ok.body());
        String manifest = Files.readString(study.folder().resolve(Study.MANIFEST));
        for (String path : new String[] {"/image/../manifest.json", "/image/..%2fmanifest.json", "/image/%2e%2e/manifest.json",
                "/image/" + e.id() + ".png", "/images/" + e.id() + ".png", "/" + e.file(), "/manifest.json",
                "/image/../../../../etc/passwd", "/image/..%2F..%2F..%2Fetc%2Fpasswd", "/static/../manifest.json",
                "/image/" + e.id() + "/", "/image/", "//etc/passwd", "/image/" + e.id() + "%00"}) {
            RawHttp.Response r = RawHttp.get(port, path);
            assertTrue(r.status() == 404 || r.status() == 400, path + " gave " + r.status());
            assertFalse(r.text().contains("sha256"), path);
            assertFalse(r.text().contains("root:"), path);
        }
        assertFalse(manifest.isEmpty());
    }

    @Test
    void crossOriginPostsAreRefused() throws Exception {
        Page p = open(null);
        String body = "image=" + p.image() + "&score=5&csrf=" + p.csrf();
        String cookie = "Cookie: " + p.cookie();
        String[][] refused = {
            {"Origin: http://evil.example"},
            {"Origin: null"},
            {"Origin: http://127.0.0.1:" + (port + 1)},
            {"Origin: https://127.0.0.1:" + port},
            {"Referer: http://evil.example/"},
            {"Referer: http://127.0.0.1:" + port + ".evil.example/"},
            {}, // neither Origin nor Referer
            {"Origin: http://127.0.0.1:" + port, "Sec-Fetch-Site: cross-site"},
        };
        for (String[] headers : refused) {
            String[] all = new String[headers.length + 1];
            all[0] = cookie;
            System.arraycopy(headers, 0, all, 1, headers.length);
            RawHttp.Response r = RawHttp.post(port, "/rate", body, all);
            assertEquals(403, r.status(), String.join(", ", headers) + ": " + r.text());
        }
        assertTrue(store.ratings(study.id()).isEmpty());
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("cross-origin request refused"));
        // same origin by Referer alone is accepted
        RawHttp.Response ok = RawHttp.post(port, "/rate", body, cookie, "Referer: http://127.0.0.1:" + port + "/",
                "Sec-Fetch-Site: same-origin");
        assertEquals(303, ok.status(), ok.text());
    }

    @Test
    void csrfTokenAndCookieAreRequired() throws Exception {
        Page p = open(null);
        Page other = open(null);
        String origin = "Origin: http://127.0.0.1:" + port;
        String good = "image=" + p.image() + "&score=5&csrf=";
        assertEquals(403, RawHttp.post(port, "/rate", good + other.csrf(), "Cookie: " + p.cookie(), origin).status(),
                "another rater's token");
        assertEquals(403, RawHttp.post(port, "/rate", good + "0".repeat(64), "Cookie: " + p.cookie(), origin).status());
        assertEquals(403, RawHttp.post(port, "/rate", good + p.csrf(), origin).status(), "no cookie");
        assertEquals(403, RawHttp.post(port, "/rate", good + p.csrf(), "Cookie: " + RequestGuard.COOKIE + "=../../x", origin).status());
        assertEquals(400, RawHttp.post(port, "/rate", "image=" + p.image() + "&score=5", "Cookie: " + p.cookie(), origin).status(),
                "no token field");
        assertTrue(store.ratings(study.id()).isEmpty());
    }

    @Test
    void malformedAndOversizedBodiesAreRefused() throws Exception {
        Page p = open(null);
        String cookie = "Cookie: " + p.cookie();
        String origin = "Origin: http://127.0.0.1:" + port;
        String body = "image=" + p.image() + "&score=5&csrf=" + p.csrf();
        assertEquals(400, RawHttp.post(port, "/rate", body + "&score=1", cookie, origin).status(), "a field twice");
        assertEquals(400, RawHttp.post(port, "/rate", body + "&extra=1", cookie, origin).status(), "an unknown field");
        RawHttp.Response big = RawHttp.post(port, "/rate", body + "&pad=" + "a".repeat(5000), cookie, origin);
        assertEquals(413, big.status());
        // the same without Content-Length: chunked, counted while read
        String chunk = "image=" + p.image() + "&score=5&csrf=" + p.csrf() + "&pad=" + "a".repeat(6000);
        byte[] chunked = (Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        RawHttp.Response big2 = RawHttp.send(port, "POST /rate HTTP/1.1\r\nHost: 127.0.0.1:" + port
                + "\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n" + cookie + "\r\n" + origin, chunked);
        assertEquals(413, big2.status());
        RawHttp.Response json = RawHttp.send(port, "POST /rate HTTP/1.1\r\nHost: 127.0.0.1:" + port
                + "\r\nContent-Type: application/json\r\nContent-Length: 2\r\n" + cookie + "\r\n" + origin, "{}".getBytes(StandardCharsets.US_ASCII));
        assertEquals(415, json.status());
        assertTrue(store.ratings(study.id()).isEmpty());
    }

    @Test
    void methodsAndHostsAreChecked() throws Exception {
        RawHttp.Response r = RawHttp.get(port, "/rate");
        assertEquals(405, r.status());
        assertEquals("POST", r.header("Allow"));
        assertEquals(405, RawHttp.send(port, "POST / HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Length: 0", null).status());
        assertEquals(405, RawHttp.send(port, "PUT /rate HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Length: 0", null).status());
        assertEquals(405, RawHttp.send(port, "DELETE /image/" + study.rated().get(0).id() + " HTTP/1.1\r\nHost: 127.0.0.1:" + port, null).status());
        // DNS rebinding: a loopback server answers only loopback names
        assertEquals(403, RawHttp.send(port, "GET / HTTP/1.1\r\nHost: evil.example:" + port, null).status());
        assertEquals(200, RawHttp.send(port, "GET / HTTP/1.1\r\nHost: localhost:" + port, null).status());
        assertEquals(404, RawHttp.get(port, "/nothing").status());
        RawHttp.Response page = RawHttp.get(port, "/");
        assertTrue(page.header("Content-Security-Policy").contains("default-src 'none'"));
        assertEquals("nosniff", page.header("X-Content-Type-Options"));
        assertEquals("DENY", page.header("X-Frame-Options"));
        assertEquals("no-store", page.header("Cache-Control"));
        assertEquals(414, RawHttp.get(port, "/" + "a".repeat(3000)).status());
    }

    @Test
    void aSecondRatingOfTheSameImageIsRefusedAndTheFirstStands() throws Exception {
        Page p = open(null);
        assertEquals(303, rate(p, p.image(), "2").status());
        RawHttp.Response again = rate(p, p.image(), "5");
        assertEquals(409, again.status());
        assertTrue(again.text().contains("first rating is kept"), again.text());
        List<RatingStore.Rating> all = store.ratings(study.id());
        assertEquals(1, all.size());
        assertEquals(2, all.get(0).score());
    }

    @Test
    void restartReopensTheDatabaseAndAppends() throws Exception {
        Page p = open(null);
        assertEquals(303, rate(p, p.image(), "3").status());
        server.close();
        store.close();
        server = null;
        store = null;

        store = RatingStore.open(dbFile);
        server = RatingServer.start(Study.read(study.folder()), store, "127.0.0.1", 0, new PrintStream(log, true, StandardCharsets.UTF_8));
        port = server.port();
        Page resumed = open(p.cookie());
        assertEquals(2, resumed.position(), "the rater resumes where they stopped");
        assertEquals(p.csrf(), resumed.csrf(), "tokens survive the restart (the secret is in the database)");
        RawHttp.Response r = rate(resumed, resumed.image(), "5");
        assertEquals(303, r.status(), r.text());
        List<RatingStore.Rating> all = store.ratings(study.id());
        assertEquals(2, all.size());
        assertEquals(3, all.get(0).score());
        assertEquals(p.image(), all.get(0).image());
        assertEquals(5, all.get(1).score());
        assertEquals(List.of(study.id()), store.studies());
    }

    @Test
    void staticFilesAreServed() throws Exception {
        RawHttp.Response js = RawHttp.get(port, "/static/mos.js");
        assertEquals(200, js.status());
        assertTrue(js.header("Content-Type").startsWith("text/javascript"));
        assertTrue(js.text().contains("requestSubmit"));
        assertEquals(200, RawHttp.get(port, "/static/mos.css").status());
    }
}
