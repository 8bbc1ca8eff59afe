package dev.gpusr.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * RFC 8259 conformance of the reader, which parses untrusted safetensors headers. The cases follow the "y_" (must
 * accept) and "n_" (must reject) groups of Nicolas Seriot's JSONTestSuite, written out here by hand.
 */
class JsonConformanceTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "01", "-01", "00", "1.", "-1.", ".5", "1.e5", "1e", "1e+", "-", "+1", "1.5.2", "0x10", "Infinity", "NaN",
        "-Infinity", "1_000", "[1,]", "[,1]", "[1 2]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "{'a':1}", "[\"\\x41\"]",
        "[\"\\u12\"]", "[\"\\u+123\"]", "[\"\\u１２３４\"]", "\"a\tb\"", "\"unterminated", "tru", "nul", "[", "]", "",
        " ", "{\"a\":1}x", "[1]]", "{\"a\":1,\"a\":2}", "[\"\\'\"]", "1 2"})
    void rejects(String text) {
        assertThrows(IllegalArgumentException.class, () -> Json.parse(text), text);
    }

    @Test
    void acceptsNumbersAsTheGrammarAllows() {
        assertEquals(0L, Json.parse("0"));
        assertEquals(0L, Json.parse("-0"));
        assertEquals(-12L, Json.parse("-12"));
        assertEquals(0.5, Json.parse("0.5"));
        assertEquals(1e5, Json.parse("1e5"));
        assertEquals(1.5e-3, Json.parse("1.5E-3"));
        assertEquals(2e+2, Json.parse("2e+2"));
        assertEquals(9.223372036854776E18, Json.parse("9223372036854775808")); // past Long: a double, not an error
        assertEquals(Long.MAX_VALUE, Json.parse("9223372036854775807"));
    }

    @Test
    void acceptsStringsEscapesAndStructures() {
        assertEquals("A\u00e9\n/\"\\", Json.parse("\"\\u0041\\u00E9\\n\\/\\\"\\\\\""));
        assertEquals("\ud83d\ude00", Json.parse("\"\\ud83d\\ude00\""));
        assertEquals(List.of(), Json.parse(" [ ] "));
        assertEquals(Map.of(), Json.parse("{}"));
        Object v = Json.parse("{\"a\":[1,{\"b\":null}],\"c\":true,\"d\":false}");
        assertEquals("{\"a\":[1,{\"b\":null}],\"c\":true,\"d\":false}", Json.write(v));
    }

    @Test
    void writerOutputParsesBackToTheSameValue() {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("ctl", "\u0001\u001f\t");
        m.put("small", 1.0e-7);
        m.put("big", 1.0e20);
        m.put("half", 0.5f);
        Object back = Json.parse(Json.write(m));
        assertEquals(Map.of("ctl", "\u0001\u001f\t", "small", 1.0e-7, "big", 1.0e20, "half", 0.5), back);
    }
}
