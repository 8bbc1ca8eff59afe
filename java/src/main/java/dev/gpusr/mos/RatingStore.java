package dev.gpusr.mos;

import dev.gpusr.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The ratings database: one SQLite file (through org.xerial:sqlite-jdbc) in WAL mode with synchronous=FULL, every
 * write its own transaction, so a rating the server has answered for survives the process being killed. Opening an
 * existing file appends to it; the schema is versioned ({@code PRAGMA user_version}) and a file from a newer or an
 * unknown schema is refused rather than changed. One connection, used under this object's lock.
 *
 * <p>Schema 1: {@code meta(key, value)} (schema_version, the CSRF secret, created_at); {@code studies(study, scale,
 * manifest, added_at)}; {@code ratings(id, study, rater, image, source, method, score 1..5, position, rated_at)} with
 * one row per (study, rater, image).
 */
public final class RatingStore implements AutoCloseable {
    public static final int SCHEMA_VERSION = 1;

    /** One stored rating. {@code position} is the image's 1-based place in the rater's order. */
    public record Rating(String study, String rater, String image, String source, String method, int score,
            int position, String ratedAt) {}

    private static final String[] SCHEMA = {
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "CREATE TABLE studies (study TEXT PRIMARY KEY, scale INTEGER NOT NULL, manifest TEXT NOT NULL,"
                + " added_at TEXT NOT NULL)",
        "CREATE TABLE ratings (id INTEGER PRIMARY KEY, study TEXT NOT NULL REFERENCES studies(study),"
                + " rater TEXT NOT NULL, image TEXT NOT NULL, source TEXT NOT NULL, method TEXT NOT NULL,"
                + " score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5), position INTEGER NOT NULL,"
                + " rated_at TEXT NOT NULL, UNIQUE (study, rater, image))",
        "CREATE INDEX ratings_by_method ON ratings (study, method)",
    };

    private final Connection db;
    private final Path file;

    private RatingStore(Connection db, Path file) {
        this.db = db;
        this.file = file;
    }

    /** Opens (or creates) the database file. */
    public static RatingStore open(Path file) throws IOException {
        Path abs = file.toAbsolutePath();
        if (abs.getParent() != null && !Files.isDirectory(abs.getParent())) {
            throw new IOException("database " + file + ": folder " + abs.getParent() + " does not exist");
        }
        if (Files.isDirectory(abs)) throw new IOException("database " + file + " is a folder");
        Connection c = null;
        try {
            c = DriverManager.getConnection("jdbc:sqlite:" + abs);
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA busy_timeout = 5000");
                try (ResultSet r = s.executeQuery("PRAGMA journal_mode = WAL")) {
                    if (!r.next() || !"wal".equalsIgnoreCase(r.getString(1))) throw new SQLException("WAL mode refused");
                }
                s.execute("PRAGMA synchronous = FULL");
                s.execute("PRAGMA foreign_keys = ON");
            }
            RatingStore store = new RatingStore(c, abs);
            store.migrate();
            return store;
        } catch (SQLException e) {
            closeQuietly(c);
            throw new IOException("database " + file + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    private static void closeQuietly(Connection c) {
        if (c == null) return;
        try {
            c.close();
        } catch (SQLException ignored) {
            // already failing
        }
    }

    private void migrate() throws SQLException, IOException {
        int version;
        int tables;
        try (Statement s = db.createStatement()) {
            try (ResultSet r = s.executeQuery("PRAGMA user_version")) {
                version = r.next() ? r.getInt(1) : 0;
            }
            try (ResultSet r = s.executeQuery("SELECT count(*) FROM sqlite_master WHERE type = 'table'")) {
                tables = r.next() ? r.getInt(1) : 0;
            }
        }
        if (version == SCHEMA_VERSION) return;
        if (version > SCHEMA_VERSION) {
            throw new IOException("database " + file + " has schema " + version + ", written by a newer gpu-sr (this one knows "
                    + SCHEMA_VERSION + "); it was not changed");
        }
        if (tables > 0) throw new IOException("database " + file + " is an SQLite file but not a gpu-sr ratings database; it was not changed");
        db.setAutoCommit(false);
        try (Statement s = db.createStatement()) {
            for (String sql : SCHEMA) s.execute(sql);
            byte[] secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            putMeta("schema_version", Integer.toString(SCHEMA_VERSION));
            putMeta("csrf_secret", HexFormat.of().formatHex(secret));
            putMeta("created_at", Instant.now().toString());
            s.execute("PRAGMA user_version = " + SCHEMA_VERSION);
            db.commit();
        } catch (SQLException e) {
            db.rollback();
            throw e;
        } finally {
            db.setAutoCommit(true);
        }
    }

    private void putMeta(String key, String value) throws SQLException {
        try (PreparedStatement p = db.prepareStatement("INSERT INTO meta (key, value) VALUES (?, ?)")) {
            p.setString(1, key);
            p.setString(2, value);
            p.executeUpdate();
        }
    }

    /** The server's secret for CSRF tokens: made once with the database, so tokens survive a restart. */
    public synchronized byte[] csrfSecret() throws IOException {
        try (PreparedStatement p = db.prepareStatement("SELECT value FROM meta WHERE key = 'csrf_secret'");
                ResultSet r = p.executeQuery()) {
            if (!r.next()) throw new IOException("database " + file + " has no csrf_secret");
            return HexFormat.of().parseHex(r.getString(1));
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /**
     * Records the study (its manifest) so reports need only the database. A study already there must have the same
     * manifest.
     */
    public synchronized void addStudy(Study study) throws IOException {
        String manifest = Json.write(study.toJson());
        try {
            String existing = manifest(study.id());
            if (existing != null) {
                if (!existing.equals(manifest)) {
                    throw new IOException("database " + file + " holds study " + study.id() + " with a different manifest");
                }
                return;
            }
            try (PreparedStatement p = db.prepareStatement(
                    "INSERT INTO studies (study, scale, manifest, added_at) VALUES (?, ?, ?, ?)")) {
                p.setString(1, study.id());
                p.setInt(2, study.scale());
                p.setString(3, manifest);
                p.setString(4, Instant.now().toString());
                p.executeUpdate(); // auto-commit: its own transaction
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** The manifest JSON of a study in the database, or null. */
    public synchronized String manifest(String study) throws IOException {
        try (PreparedStatement p = db.prepareStatement("SELECT manifest FROM studies WHERE study = ?")) {
            p.setString(1, study);
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? r.getString(1) : null;
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** The study ids in the database, oldest first. */
    public synchronized List<String> studies() throws IOException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement p = db.prepareStatement("SELECT study FROM studies ORDER BY added_at, study");
                ResultSet r = p.executeQuery()) {
            while (r.next()) out.add(r.getString(1));
            return out;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** The images a rater has rated in a study. */
    public synchronized Set<String> ratedBy(String study, String rater) throws IOException {
        Set<String> out = new HashSet<>();
        try (PreparedStatement p = db.prepareStatement("SELECT image FROM ratings WHERE study = ? AND rater = ?")) {
            p.setString(1, study);
            p.setString(2, rater);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) out.add(r.getString(1));
            }
            return out;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /**
     * Stores a rating in its own transaction (committed to disk before this returns). Returns false, storing nothing,
     * when the rater has already rated the image: the first rating stands.
     */
    public synchronized boolean add(Rating r) throws IOException {
        if (r.score() < 1 || r.score() > 5) throw new IllegalArgumentException("score must be 1..5, got " + r.score());
        try {
            db.setAutoCommit(false);
            try (PreparedStatement p = db.prepareStatement("INSERT INTO ratings (study, rater, image, source, method, score,"
                    + " position, rated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (study, rater, image) DO NOTHING")) {
                p.setString(1, r.study());
                p.setString(2, r.rater());
                p.setString(3, r.image());
                p.setString(4, r.source());
                p.setString(5, r.method());
                p.setInt(6, r.score());
                p.setInt(7, r.position());
                p.setString(8, r.ratedAt());
                int n = p.executeUpdate();
                db.commit();
                return n == 1;
            } catch (SQLException e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** Every rating of a study, in the order they were stored. */
    public synchronized List<Rating> ratings(String study) throws IOException {
        List<Rating> out = new ArrayList<>();
        try (PreparedStatement p = db.prepareStatement("SELECT study, rater, image, source, method, score, position, rated_at"
                + " FROM ratings WHERE study = ? ORDER BY id")) {
            p.setString(1, study);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(new Rating(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5),
                            r.getInt(6), r.getInt(7), r.getString(8)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private IOException failure(SQLException e) {
        return new IOException("database " + file + ": " + e.getMessage(), e);
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException ignored) {
            // nothing is pending: every write was committed
        }
    }
}
