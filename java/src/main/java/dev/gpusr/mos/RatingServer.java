package dev.gpusr.mos;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The rating web server (JDK's com.sun.net.httpserver): {@code GET /} shows the rater's next image (or the thank-you
 * page), {@code POST /rate} stores a score and redirects to {@code /}, {@code GET /image/<id>} sends an image of the
 * study by its manifest id, {@code GET /static/mos.js|mos.css} the page's script and style. Anything else is 404;
 * a wrong method on a known path is 405. Every request passes {@link RequestGuard}. A rater rates each image once: a
 * second rating of the same image is refused with 409 and the first one stands.
 */
public final class RatingServer implements AutoCloseable {
    private static final String CSP = "default-src 'none'; img-src 'self'; style-src 'self'; script-src 'self'; "
            + "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
    private static final Set<String> RATE_FIELDS = Set.of("image", "score", "csrf");

    static {
        // The JDK server waits for a slow client forever by default; bound how long reading a request and sending a
        // response may take (seconds), unless the user set these properties. Read when the server first starts.
        System.getProperties().putIfAbsent("sun.net.httpserver.maxReqTime", "30");
        System.getProperties().putIfAbsent("sun.net.httpserver.maxRspTime", "120");
    }

    private final Study study;
    private final RatingStore store;
    private final Map<String, Study.Entry> images;
    private final HttpServer server;
    private final ExecutorService executor;
    private final RequestGuard guard;
    private final byte[] script;
    private final byte[] style;
    private final PrintStream log;

    private RatingServer(Study study, RatingStore store, HttpServer server, ExecutorService executor, RequestGuard guard,
            PrintStream log) throws IOException {
        this.study = study;
        this.store = store;
        this.images = study.byId();
        this.server = server;
        this.executor = executor;
        this.guard = guard;
        this.script = resource("mos.js");
        this.style = resource("mos.css");
        this.log = log;
    }

    /**
     * Starts serving the study on host:port (port 0: any free port). The study is recorded in the database. Problems
     * (address in use, database) are IOExceptions with a one-line reason. {@code log} gets one line per refused request.
     */
    public static RatingServer start(Study study, RatingStore store, String host, int port, PrintStream log) throws IOException {
        store.addStudy(study);
        InetAddress address = InetAddress.getByName(host);
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(address, port), 64);
        } catch (IOException e) {
            throw new IOException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        int bound = server.getAddress().getPort();
        Set<String> hosts = null;
        if (address.isLoopbackAddress()) {
            hosts = new LinkedHashSet<>(List.of("127.0.0.1:" + bound, "localhost:" + bound, "[::1]:" + bound));
        }
        AtomicInteger n = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "gpu-sr-mos-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        RatingServer rs = new RatingServer(study, store, server, executor,
                new RequestGuard(store.csrfSecret(), study.id(), hosts), log);
        server.createContext("/", rs::handle);
        server.setExecutor(executor);
        server.start();
        return rs;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The page's address, e.g. http://127.0.0.1:8080/. */
    public String url() {
        InetSocketAddress a = server.getAddress();
        String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getAddress().getHostAddress();
        if (host.contains(":")) host = "[" + host + "]";
        return "http://" + host + ":" + a.getPort() + "/";
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            try {
                String raw = ex.getRequestURI().getRawPath();
                if (ex.getRequestURI().toString().length() > RequestGuard.MAX_URI) throw new RequestGuard.Refused(414, "URI too long");
                String host = guard.host(ex);
                if (raw.equals("/")) {
                    allow(ex, "GET");
                    page(ex);
                } else if (raw.equals("/rate")) {
                    allow(ex, "POST");
                    rate(ex, host);
                } else if (raw.startsWith("/image/")) {
                    allow(ex, "GET");
                    image(ex, raw.substring("/image/".length()));
                } else if (raw.equals("/static/mos.js")) {
                    allow(ex, "GET");
                    send(ex, 200, "text/javascript; charset=utf-8", script, "no-cache");
                } else if (raw.equals("/static/mos.css")) {
                    allow(ex, "GET");
                    send(ex, 200, "text/css; charset=utf-8", style, "no-cache");
                } else {
                    throw new RequestGuard.Refused(404, "not found");
                }
            } catch (RequestGuard.Refused r) {
                if (r.status != 404) log.println("gpu-sr mos: refused " + ex.getRequestMethod() + " " + RequestGuard.clip(ex.getRequestURI().toString())
                        + " from " + ex.getRemoteAddress().getAddress().getHostAddress() + ": " + r.status + " " + r.getMessage());
                text(ex, r.status, r.getMessage());
            } catch (IOException | RuntimeException e) {
                log.println("gpu-sr mos: error on " + ex.getRequestMethod() + " " + RequestGuard.clip(ex.getRequestURI().toString()) + ": " + e);
                text(ex, 500, "internal error; the rating was not stored");
            }
        }
    }

    private static void allow(HttpExchange ex, String allowed) throws RequestGuard.Refused {
        if (!ex.getRequestMethod().equals(allowed)) {
            ex.getResponseHeaders().set("Allow", allowed);
            throw new RequestGuard.Refused(405, ex.getRequestMethod() + " not allowed here; allowed: " + allowed);
        }
    }

    /** The rater's next image in their order, or the thank-you page. Issues a rater id on the first visit. */
    private void page(HttpExchange ex) throws IOException {
        String rater = RequestGuard.rater(ex);
        if (rater == null) {
            rater = Study.newId();
            ex.getResponseHeaders().add("Set-Cookie", RequestGuard.setCookie(rater));
        }
        List<Study.Entry> order = RaterOrder.of(study, rater);
        Set<String> done = store.ratedBy(study.id(), rater);
        for (int i = 0; i < order.size(); i++) {
            Study.Entry e = order.get(i);
            if (!done.contains(e.id())) {
                html(ex, 200, RatingPage.rating(e, done.size() + 1, order.size(), guard.token(rater)));
                return;
            }
        }
        html(ex, 200, RatingPage.thanks(order.size()));
    }

    private void rate(HttpExchange ex, String host) throws IOException, RequestGuard.Refused {
        guard.sameOrigin(ex, host);
        String rater = RequestGuard.rater(ex);
        if (rater == null) throw new RequestGuard.Refused(403, "no rater cookie (cookies must be enabled; reload the page)");
        Map<String, String> form = RequestGuard.form(ex, RATE_FIELDS);
        guard.checkToken(rater, form.get("csrf"));
        Study.Entry image = images.get(form.get("image"));
        if (image == null || image.isReference()) throw new RequestGuard.Refused(400, "unknown image id");
        int score = switch (form.get("score")) {
            case "1" -> 1;
            case "2" -> 2;
            case "3" -> 3;
            case "4" -> 4;
            case "5" -> 5;
            default -> throw new RequestGuard.Refused(400, "score must be 1, 2, 3, 4 or 5");
        };
        int position = RaterOrder.of(study, rater).indexOf(image) + 1;
        String now = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
        boolean stored = store.add(new RatingStore.Rating(study.id(), rater, image.id(), image.source(), image.method(),
                score, position, now));
        if (!stored) {
            html(ex, 409, RatingPage.message("Already rated",
                    "You have already rated this image; your first rating is kept.", true));
            return;
        }
        ex.getResponseHeaders().set("Location", "/");
        send(ex, 303, "text/plain; charset=utf-8", "stored\n".getBytes(StandardCharsets.UTF_8), "no-store");
    }

    /** An image of the study by its manifest id; nothing else on disk can be named. */
    private void image(HttpExchange ex, String id) throws IOException, RequestGuard.Refused {
        Study.Entry e = Study.isId(id) ? images.get(id) : null;
        if (e == null) throw new RequestGuard.Refused(404, "no such image");
        byte[] bytes = Files.readAllBytes(study.file(e));
        send(ex, 200, "image/png", bytes, "private, max-age=86400, immutable");
    }

    private static void html(HttpExchange ex, int status, String page) throws IOException {
        send(ex, status, "text/html; charset=utf-8", page.getBytes(StandardCharsets.UTF_8), "no-store");
    }

    private static void text(HttpExchange ex, int status, String message) throws IOException {
        send(ex, status, "text/plain; charset=utf-8", (message + "\n").getBytes(StandardCharsets.UTF_8), "no-store");
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body, String cache) throws IOException {
        Headers h = ex.getResponseHeaders();
        h.set("Content-Type", type);
        h.set("Cache-Control", cache);
        h.set("X-Content-Type-Options", "nosniff");
        h.set("X-Frame-Options", "DENY");
        h.set("Referrer-Policy", "same-origin");
        h.set("Content-Security-Policy", CSP);
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = RatingServer.class.getResourceAsStream(name)) {
            if (in == null) throw new IOException("resource dev/gpusr/mos/" + name + " is missing from the jar");
            return in.readAllBytes();
        }
    }
}
