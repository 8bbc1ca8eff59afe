package dev.gpusr.mos;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RatingStoreTest {
    @TempDir
    Path dir;

    private static RatingStore.Rating rating(Study s, String rater, Study.Entry e, int score) {
        return new RatingStore.Rating(s.id(), rater, e.id(), e.source(), e.method(), score, 1, "2026-11-28T06:00:00Z");
    }

    /** Reads the file with a separate plain JDBC connection, as any SQLite tool would. */
    private static String query(Path db, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            StringBuilder b = new StringBuilder();
            while (r.next()) {
                for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) b.append(i > 1 ? "|" : "").append(r.getString(i));
                b.append('\n');
            }
            return b.toString();
        }
    }

    @Test
    void walSchemaVersionAndDurableRows() throws Exception {
        Study s = TestStudies.make(dir, 1);
        Path db = dir.resolve("r.db");
        byte[] secret;
        try (RatingStore store = RatingStore.open(db)) {
            store.addStudy(s);
            store.addStudy(s); // again: the same manifest is fine
            assertTrue(store.add(rating(s, "a".repeat(32), s.rated().get(0), 4)));
            assertFalse(store.add(rating(s, "a".repeat(32), s.rated().get(0), 1)), "one rating per rater and image");
            secret = store.csrfSecret();
            assertEquals(32, secret.length);
            // committed: another connection sees the row while this one is still open
            assertEquals(s.rated().get(0).method() + "|4\n", query(db, "SELECT method, score FROM ratings"));
        }
        assertEquals("wal\n", query(db, "PRAGMA journal_mode"));
        assertEquals("1\n", query(db, "PRAGMA user_version"));
        assertEquals("1\n", query(db, "SELECT value FROM meta WHERE key = 'schema_version'"));
        try (RatingStore store = RatingStore.open(db)) {
            assertArrayEquals(secret, store.csrfSecret(), "the secret survives reopening");
            assertTrue(store.add(rating(s, "b".repeat(32), s.rated().get(0), 2)));
            assertEquals(2, store.ratings(s.id()).size());
        }
        // the database itself refuses scores outside 1..5
        SQLException e = assertThrows(SQLException.class, () -> {
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
                st.executeUpdate("INSERT INTO ratings (study, rater, image, source, method, score, position, rated_at)"
                        + " VALUES ('" + s.id() + "', 'c', 'i', 's', 'm', 7, 1, 'now')");
            }
        });
        assertTrue(e.getMessage().contains("CHECK"), e.getMessage());
    }

    @Test
    void refusesNewerSchemasAndForeignFiles() throws Exception {
        Path newer = dir.resolve("newer.db");
        RatingStore.open(newer).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + newer); Statement st = c.createStatement()) {
            st.execute("PRAGMA user_version = 2");
        }
        IOException e = assertThrows(IOException.class, () -> RatingStore.open(newer));
        assertTrue(e.getMessage().contains("newer gpu-sr"), e.getMessage());

        Path foreign = dir.resolve("foreign.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + foreign); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE mine (x INTEGER)");
        }
        e = assertThrows(IOException.class, () -> RatingStore.open(foreign));
        assertTrue(e.getMessage().contains("not a gpu-sr ratings database"), e.getMessage());
        assertEquals("mine\n", query(foreign, "SELECT name FROM sqlite_master WHERE type = 'table'"), "left unchanged");

        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "these are my notes, not a database, and they are long enough to have a header\n".repeat(3));
        assertThrows(IOException.class, () -> RatingStore.open(text));
        assertTrue(Files.readString(text).startsWith("these are my notes"));
        assertThrows(IOException.class, () -> RatingStore.open(dir.resolve("no/such/folder/r.db")));
    }

    @Test
    void aStudyIdWithAnotherManifestIsRefused() throws Exception {
        Study s = TestStudies.make(dir, 1);
        Study changed = new Study(s.id(), 2, s.methods(), s.images(), s.folder());
        try (RatingStore store = RatingStore.open(dir.resolve("r.db"))) {
            store.addStudy(s);
            assertThrows(IOException.class, () -> store.addStudy(changed));
        }
    }
}
