package ai.geniusrise.examples;

import ai.geniusrise.testkit.s3.S3Endpoint;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Parquet objects a pipeline published to S3, read as a user would: downloaded with the S3 client
 * (the {@code _geniusrise} bookkeeping left out), then queried with DuckDB. Public only because the
 * example tests live in sub-packages.
 */
public final class ParquetObjects {

    private ParquetObjects() {
    }

    /**
     * Downloads the parquet objects under {@code bucket/prefix} into {@code into} (not the dead letters
     * or the commit markers beside them), keeping their names below
     * the prefix (so {@code day=...} folders stay folders).
     *
     * @return the keys downloaded, in order
     */
    public static List<String> download(S3Endpoint s3, String bucket, String prefix, Path into) throws IOException {
        List<String> keys = s3.client().listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix)).contents()
                .stream().map(S3Object::key).filter(k -> k.endsWith(".parquet") && !k.contains("_geniusrise")).sorted()
                .toList();
        for (String key : keys) {
            Path file = into.resolve(key.substring(prefix.length()).replaceFirst("^/", ""));
            Files.createDirectories(file.getParent());
            s3.client().getObject(r -> r.bucket(bucket).key(key), file);
        }
        return keys;
    }

    /** Writes the rows of {@code select} to the Parquet file {@code file}, with DuckDB: an independent writer. */
    public static void write(String select, Path file) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            st.execute("COPY (" + select + ") TO '" + file + "' (FORMAT parquet)");
        }
    }

    /** The rows of {@code sql} run by DuckDB in this JVM, each its columns' text joined by spaces. */
    public static List<String> query(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.append(i > 1 ? " " : "").append(rs.getString(i));
                }
                rows.add(row.toString());
            }
            return rows;
        }
    }
}
