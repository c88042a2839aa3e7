package io.cdcrelay.sink;

/**
 * A table's schema and name, validated and quoted for SQL.
 *
 * @param schema the schema
 * @param table the table name
 */
public record TableName(String schema, String table) {

  public TableName {
    schema = requireIdentifier(schema, "schema");
    table = requireIdentifier(table, "table");
  }

  /** A table next to this one, named {@code table + suffix}. */
  public TableName sibling(String suffix) {
    return new TableName(schema, table + suffix);
  }

  /** {@code "schema"."table"}. */
  public String quoted() {
    return quote(schema) + "." + quote(table);
  }

  /**
   * A schema or table name as the reference tool takes it: one written in double quotes ({@code
   * "MyTable"}) is the name inside them, not one holding quote characters; any other as it is.
   * {@code null} stays {@code null}.
   */
  public static String unquote(String name) {
    if (name == null) {
      return null;
    }
    String trimmed = name.trim();
    if (trimmed.length() >= 2 && trimmed.startsWith("\"") && trimmed.endsWith("\"")) {
      return trimmed.substring(1, trimmed.length() - 1).replace("\"\"", "\"");
    }
    return name;
  }

  /** An identifier in double quotes, with embedded quotes doubled. */
  public static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  private static String requireIdentifier(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("the target " + what + " name is empty");
    }
    if (value.length() > 255 || hasDotOrControl(value)) {
      throw new IllegalArgumentException(
          "the target "
              + what
              + " name \""
              + value
              + "\" is not valid: at most 255 characters, no dots, no control characters");
    }
    return value;
  }

  /** A loop, not a stream: every target table a batch routes to is named and checked here. */
  private static boolean hasDotOrControl(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == '.') {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return schema + "." + table;
  }
}
