package ai.geniusrise.io.columnar;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** DuckDB (in process, through its JDBC driver) as the independent reader of our parquet files. */
final class DuckDb {

    private DuckDb() {
    }

    /** The rows of {@code sql}, each column by name, as DuckDB's JDBC driver returns them. */
    static List<Map<String, Object>> query(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            List<Map<String, Object>> rows = new ArrayList<>();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.put(md.getColumnName(i), rs.getObject(i));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    /** The column names and DuckDB types of a parquet file (or glob), as {@code DESCRIBE} gives them. */
    static Map<String, String> describe(Path parquet) throws SQLException {
        Map<String, String> types = new LinkedHashMap<>();
        for (Map<String, Object> row : query("DESCRIBE SELECT * FROM read_parquet('" + parquet + "')")) {
            types.put((String) row.get("column_name"), (String) row.get("column_type"));
        }
        return types;
    }

    static String quote(Path p) {
        return "'" + p.toString().replace("'", "''") + "'";
    }
}
