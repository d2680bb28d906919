package io.tlscensus.output.parquet;

import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** DuckDB in memory, over JDBC: the independent reader the Parquet tests check against. */
final class DuckDb implements AutoCloseable {
    private final Connection connection;

    DuckDb() throws SQLException {
        connection = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement s = connection.createStatement()) {
            s.execute("SET TimeZone = 'UTC'");
        }
    }

    /** read_parquet over every part file of a dataset, with its date= partition column. */
    static String dataset(Path dir, String name) {
        return "read_parquet('" + dir.resolve(name) + "/**/*.parquet', hive_partitioning = true)";
    }

    /** Rows as column name to value; arrays become lists. */
    List<Map<String, Object>> rows(String sql) throws SQLException {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData m = rs.getMetaData();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= m.getColumnCount(); i++) {
                    Object v = rs.getObject(i);
                    if (v instanceof Array) v = Arrays.asList((Object[]) ((Array) v).getArray());
                    row.put(m.getColumnLabel(i), v);
                }
                rows.add(row);
            }
        }
        return rows;
    }

    Object value(String sql) throws SQLException {
        List<Map<String, Object>> rows = rows(sql);
        if (rows.size() != 1 || rows.get(0).size() != 1) throw new AssertionError("not one value: " + sql + " -> " + rows);
        return rows.get(0).values().iterator().next();
    }

    long count(String sql) throws SQLException {
        return ((Number) value(sql)).longValue();
    }

    /** Column name to DuckDB type, as DESCRIBE shows them. */
    Map<String, String> describe(String relation) throws SQLException {
        Map<String, String> types = new LinkedHashMap<>();
        for (Map<String, Object> row : rows("DESCRIBE SELECT * FROM " + relation)) {
            types.put((String) row.get("column_name"), (String) row.get("column_type"));
        }
        return types;
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
