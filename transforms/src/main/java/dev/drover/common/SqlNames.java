package dev.drover.common;

/** Column names in Spark SQL text. */
public final class SqlNames {
    private SqlNames() {}

    /** A column name quoted for Spark SQL: backticks, with backticks inside doubled. */
    public static String quote(String column) {
        return "`" + column.replace("`", "``") + "`";
    }
}
