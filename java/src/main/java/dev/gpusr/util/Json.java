package dev.gpusr.util;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON reader and writer, enough for safetensors headers, the CLI's --json output and test fixtures.
 * Objects become {@code LinkedHashMap<String, Object>}, arrays {@code List<Object>}, numbers {@code Double} (or
 * {@code Long} when integral and written without fraction or exponent), plus String, Boolean and null.
 */
public final class Json {
    private final String s;
    private int i;

    private Json(String s) {
        this.s = s;
    }

    /** Parses one JSON value; trailing characters other than white space are an error. */
    public static Object parse(String text) {
        Json p = new Json(text);
        p.ws();
        Object v = p.value(0);
        p.ws();
        if (p.i != p.s.length()) throw p.error("unexpected trailing characters");
        return v;
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("bad JSON at character " + i + ": " + what);
    }

    private void ws() {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') i++;
            else break;
        }
    }

    private Object value(int depth) {
        if (depth > 64) throw error("nesting deeper than 64");
        if (i >= s.length()) throw error("unexpected end");
        char c = s.charAt(i);
        switch (c) {
            case '{':
                return object(depth);
            case '[':
                return array(depth);
            case '"':
                return string();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", null);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) return number();
                throw error("unexpected character '" + c + "'");
        }
    }

    private Object literal(String word, Object v) {
        if (!s.startsWith(word, i)) throw error("expected " + word);
        i += word.length();
        return v;
    }

    private Map<String, Object> object(int depth) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (opens('}')) return m;
        do {
            ws();
            if (i >= s.length() || s.charAt(i) != '"') throw error("expected a string key");
            String k = string();
            ws();
            if (i >= s.length() || s.charAt(i) != ':') throw error("expected ':'");
            i++;
            ws();
            if (m.containsKey(k)) throw error("duplicate key '" + k + "'");
            m.put(k, value(depth + 1));
        } while (!closes('}', "object"));
        return m;
    }

    private List<Object> array(int depth) {
        List<Object> a = new ArrayList<>();
        if (opens(']')) return a;
        do {
            ws();
            a.add(value(depth + 1));
        } while (!closes(']', "array"));
        return a;
    }

    /** Steps over the opening bracket; true (and steps over it) when the closing one follows: an empty container. */
    private boolean opens(char close) {
        i++;
        ws();
        if (i < s.length() && s.charAt(i) == close) {
            i++;
            return true;
        }
        return false;
    }

    /** After an element: true at the closing bracket, false after a comma (another element follows). */
    private boolean closes(char close, String where) {
        ws();
        if (i >= s.length()) throw error("unexpected end in " + where);
        char c = s.charAt(i++);
        if (c == close) return true;
        if (c != ',') throw error("expected ',' or '" + close + "'");
        return false;
    }

    private String string() {
        StringBuilder b = new StringBuilder();
        i++;
        while (true) {
            if (i >= s.length()) throw error("unterminated string");
            char c = s.charAt(i++);
            if (c == '"') return b.toString();
            if (c < 0x20) throw error("control character in string");
            if (c != '\\') {
                b.append(c);
                continue;
            }
            if (i >= s.length()) throw error("unterminated escape");
            char e = s.charAt(i++);
            switch (e) {
                case '"', '\\', '/' -> b.append(e);
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> {
                    if (i + 4 > s.length()) throw error("short \\u escape");
                    int code = 0;
                    for (int k = 0; k < 4; k++) {
                        int d = hexDigit(s.charAt(i + k));
                        if (d < 0) throw error("bad \\u escape");
                        code = code * 16 + d;
                    }
                    b.append((char) code);
                    i += 4;
                }
                default -> throw error("bad escape \\" + e);
            }
        }
    }

    /** RFC 8259 number: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?; integral ones that fit are Long. */
    private Object number() {
        int start = i;
        if (peek() == '-') i++;
        if (peek() == '0') {
            i++;
            if (isDigit(peek())) throw error("leading zero in number");
        } else if (isDigit(peek())) {
            while (isDigit(peek())) i++;
        } else {
            throw error("expected a digit");
        }
        boolean integral = true;
        if (peek() == '.') {
            integral = false;
            i++;
            if (!isDigit(peek())) throw error("expected a digit after '.'");
            while (isDigit(peek())) i++;
        }
        if (peek() == 'e' || peek() == 'E') {
            integral = false;
            i++;
            if (peek() == '+' || peek() == '-') i++;
            if (!isDigit(peek())) throw error("expected a digit in the exponent");
            while (isDigit(peek())) i++;
        }
        String t = s.substring(start, i);
        if (integral) {
            try {
                return Long.parseLong(t);
            } catch (NumberFormatException tooLarge) {
                return Double.parseDouble(t);
            }
        }
        return Double.parseDouble(t);
    }

    private char peek() {
        return i < s.length() ? s.charAt(i) : '\0';
    }

    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /**
     * A JSON object in the given key order: {@code object("a", 1, "b", null)}. Values may be null; keys are strings
     * and must not repeat.
     */
    public static Map<String, Object> object(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) throw new IllegalArgumentException("keys and values come in pairs");
        Map<String, Object> m = new LinkedHashMap<>();
        for (int k = 0; k < keysAndValues.length; k += 2) {
            if (!(keysAndValues[k] instanceof String key)) {
                throw new IllegalArgumentException("key " + k / 2 + " is not a string: " + keysAndValues[k]);
            }
            if (m.containsKey(key)) throw new IllegalArgumentException("duplicate key '" + key + "'");
            m.put(key, keysAndValues[k + 1]);
        }
        return m;
    }

    /** Writes a value built of maps, lists, strings, numbers, booleans and null. Non-finite numbers become null. */
    public static String write(Object v) {
        StringBuilder b = new StringBuilder();
        write(b, v);
        return b.toString();
    }

    private static void write(StringBuilder b, Object v) {
        if (v == null) {
            b.append("null");
        } else if (v instanceof String str) {
            quote(b, str);
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (!Double.isFinite(d)) b.append("null");
            else if (d == Math.rint(d) && Math.abs(d) < 1e15) b.append((long) d);
            else b.append(d);
        } else if (v instanceof Number || v instanceof Boolean) {
            b.append(v);
        } else if (v instanceof Map<?, ?> m) {
            b.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) b.append(',');
                first = false;
                quote(b, String.valueOf(e.getKey()));
                b.append(':');
                write(b, e.getValue());
            }
            b.append('}');
        } else if (v instanceof Iterable<?> it) {
            b.append('[');
            boolean first = true;
            for (Object o : it) {
                if (!first) b.append(',');
                first = false;
                write(b, o);
            }
            b.append(']');
        } else {
            throw new IllegalArgumentException("cannot write " + v.getClass() + " as JSON");
        }
    }

    private static void quote(StringBuilder b, String str) {
        b.append('"');
        for (int k = 0; k < str.length(); k++) {
            char c = str.charAt(k);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) b.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        b.append('"');
    }
}
