package io.cdcrelay.sink;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The clauses CrateDB takes after a {@code CREATE TABLE}'s columns, for a table the relay creates:
 * {@code CLUSTERED [BY (column)] INTO N SHARDS}, {@code PARTITIONED BY (columns)}, {@code WITH
 * (setting = value, …)} — a large table needs more shards than the default. Validated to be nothing
 * but these clauses, in this order. They shape the target tables the relay creates (a stream's, a
 * load's), not its state or dead-letter tables.
 */
public final class TableOptions {

  /** The environment variable; the CLI option is {@code --table-options}. */
  public static final String VARIABLE = "CRATEDB_TABLE_OPTIONS";

  /**
   * A column as CLUSTERED BY and PARTITIONED BY name it: a name, plain or double-quoted, then any
   * subscripts in single quotes. Only the key's sub-columns ({@code pk['tenant']}) can be named for
   * the relay's tables: CrateDB takes only primary key columns there.
   */
  private static final String COLUMN =
      "(?:[A-Za-z_][A-Za-z0-9_]*|\"(?:[^\"\\\\]|\"\")+\")"
          + "(?:\\s*\\[\\s*'(?:[^'\\\\]|'')+'\\s*\\])*";

  private static final String COLUMNS = "\\(\\s*" + COLUMN + "(?:\\s*,\\s*" + COLUMN + ")*\\s*\\)";

  private static final Pattern CLAUSES =
      Pattern.compile(
          "(CLUSTERED(\\s+BY\\s*"
              + COLUMNS
              + ")?\\s+INTO\\s+[1-9]\\d{0,3}\\s+SHARDS)?\\s*"
              + "(PARTITIONED\\s+BY\\s*"
              + COLUMNS
              + ")?\\s*"
              + "(WITH\\s*\\([^;()\\\\]+\\))?",
          Pattern.CASE_INSENSITIVE);

  private TableOptions() {}

  /** The clauses as a message names them, with where they are set. */
  public static String named(String clauses) {
    return "with the table options " + clauses + " (" + VARIABLE + ", --table-options)";
  }

  /** Why {@code clauses} cannot shape a table of PostgreSQL. */
  public static String onPostgreSql(String clauses) {
    return "the table options "
        + clauses
        + " ("
        + VARIABLE
        + ", --table-options) are CrateDB's; the target is PostgreSQL: unset them";
  }

  /** The clauses of {@code text}; empty for none. */
  public static Optional<String> parse(String setting, String text) {
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    String clauses = text.trim().replaceAll("\\s+", " ");
    if (!CLAUSES.matcher(clauses).matches() || clauses.contains("--") || clauses.contains("/*")) {
      throw new IllegalArgumentException(
          setting
              + "="
              + text
              + " is not CrateDB table clauses such as"
              + " 'CLUSTERED INTO 12 SHARDS WITH (number_of_replicas = 1)'"
              + " (CLUSTERED … SHARDS, PARTITIONED BY (…), WITH (…), in this order)");
    }
    return Optional.of(clauses);
  }
}
