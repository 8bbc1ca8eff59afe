package dev.gpusr.mos;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The checks every request to the rating server passes before it is acted on: the Host header (a server bound to
 * loopback answers only loopback names, against DNS rebinding), same-origin POSTs (Origin, or else Referer, must name
 * this host; a cross-site Sec-Fetch-Site is refused), the rater cookie, the per-rater CSRF token (HMAC-SHA256 of the
 * study and rater ids under a secret kept in the database) and the size and shape of form bodies. A failed check is a
 * {@link Refused} carrying the HTTP status.
 */
final class RequestGuard {
    /** The longest form body accepted (a rating form is about 120 bytes). */
    static final int MAX_BODY = 4096;
    /** The longest request URI accepted. */
    static final int MAX_URI = 2048;
    static final String COOKIE = "gpusr_mos_rater";

    /** A request that fails a check: status and a one-line reason for the response body. */
    static final class Refused extends Exception {
        final int status;

        Refused(int status, String reason) {
            super(reason, null, false, false);
            this.status = status;
        }
    }

    private final byte[] secret;
    private final String study;
    /** The Host header values answered, lower case; null when any is (a server bound to a non-loopback address). */
    private final Set<String> allowedHosts;

    RequestGuard(byte[] secret, String study, Set<String> allowedHosts) {
        this.secret = secret.clone();
        this.study = study;
        this.allowedHosts = allowedHosts;
    }

    /** The request's Host header, checked; for loopback servers only loopback names with the server's port. */
    String host(HttpExchange ex) throws Refused {
        List<String> hosts = ex.getRequestHeaders().get("Host");
        if (hosts == null || hosts.size() != 1 || hosts.get(0).isBlank()) throw new Refused(400, "one Host header is required");
        String host = hosts.get(0).trim().toLowerCase(Locale.ROOT);
        if (allowedHosts != null && !allowedHosts.contains(host)) {
            throw new Refused(403, "this server answers only to " + String.join(", ", allowedHosts));
        }
        return host;
    }

    /** Refuses a POST that does not come from a page of this server (Origin, else Referer; and Sec-Fetch-Site). */
    void sameOrigin(HttpExchange ex, String host) throws Refused {
        Headers h = ex.getRequestHeaders();
        String self = "http://" + host;
        String site = h.getFirst("Sec-Fetch-Site");
        if (site != null && !site.equalsIgnoreCase("same-origin")) throw new Refused(403, "cross-origin request refused (Sec-Fetch-Site: " + site + ")");
        String origin = h.getFirst("Origin");
        if (origin != null) {
            if (!origin.trim().equalsIgnoreCase(self)) throw new Refused(403, "cross-origin request refused (Origin: " + origin + ")");
            return;
        }
        String referer = h.getFirst("Referer");
        if (referer == null) throw new Refused(403, "a POST needs an Origin or Referer header naming this server");
        String r = referer.trim().toLowerCase(Locale.ROOT);
        if (!(r.equals(self) || r.startsWith(self + "/"))) throw new Refused(403, "cross-origin request refused (Referer: " + referer + ")");
    }

    /** The rater id from the cookie, or null when there is none or it is not a well-formed id. */
    static String rater(HttpExchange ex) {
        List<String> cookies = ex.getRequestHeaders().get("Cookie");
        if (cookies == null) return null;
        String found = null;
        for (String header : cookies) {
            for (String part : header.split(";")) {
                String p = part.trim();
                if (p.startsWith(COOKIE + "=")) {
                    String v = p.substring(COOKIE.length() + 1);
                    if (found != null && !found.equals(v)) return null; // two different ids: trust neither
                    found = v;
                }
            }
        }
        return Study.isId(found) ? found : null;
    }

    static String setCookie(String rater) {
        return COOKIE + "=" + rater + "; Path=/; Max-Age=31536000; HttpOnly; SameSite=Strict";
    }

    /** The CSRF token of a rater: HMAC-SHA256(secret, study ":" rater), hex. */
    String token(String rater) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal((study + ":" + rater).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    void checkToken(String rater, String token) throws Refused {
        byte[] expected = token(rater).getBytes(StandardCharsets.US_ASCII);
        byte[] got = token == null ? new byte[0] : token.getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(expected, got)) throw new Refused(403, "missing or wrong CSRF token (reload the page)");
    }

    /**
     * The url-encoded form body: at most {@link #MAX_BODY} bytes, UTF-8, each of the expected fields exactly once,
     * nothing else.
     */
    static Map<String, String> form(HttpExchange ex, Set<String> fields) throws Refused, IOException {
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).split(";")[0].trim().equals("application/x-www-form-urlencoded")) {
            throw new Refused(415, "the body must be application/x-www-form-urlencoded");
        }
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            long n;
            try {
                n = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                throw new Refused(400, "bad Content-Length");
            }
            if (n > MAX_BODY) throw new Refused(413, "request body over " + MAX_BODY + " bytes");
        }
        byte[] body = readLimited(ex.getRequestBody());
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new Refused(400, "the body is not UTF-8");
        }
        Map<String, String> out = new LinkedHashMap<>();
        if (text.isEmpty()) throw new Refused(400, "empty form");
        for (String pair : text.split("&", -1)) {
            int eq = pair.indexOf('=');
            if (eq < 0) throw new Refused(400, "malformed form field");
            String key;
            String value;
            try {
                key = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
                value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new Refused(400, "malformed form encoding");
            }
            if (!fields.contains(key)) throw new Refused(400, "unexpected form field '" + clip(key) + "'");
            if (out.put(key, value) != null) throw new Refused(400, "form field '" + key + "' given twice");
        }
        for (String f : fields) if (!out.containsKey(f)) throw new Refused(400, "form field '" + f + "' missing");
        return out;
    }

    private static byte[] readLimited(InputStream in) throws Refused, IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[1024];
        for (int n; (n = in.read(buf)) > 0; ) {
            out.write(buf, 0, n);
            if (out.size() > MAX_BODY) throw new Refused(413, "request body over " + MAX_BODY + " bytes");
        }
        return out.toByteArray();
    }

    static String clip(String s) {
        String t = s.replaceAll("[^\\x20-\\x7e]", "?");
        return t.length() <= 40 ? t : t.substring(0, 40) + "...";
    }
}
