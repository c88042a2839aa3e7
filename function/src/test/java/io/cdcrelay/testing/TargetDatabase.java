package io.cdcrelay.testing;

import io.cdcrelay.sink.TableName;
import io.cdcrelay.sink.TargetUrl;
import java.sql.Connection;
import java.sql.SQLException;

/** A real database that integration tests write to and read back from. */
public interface TargetDatabase {

  /** A short name for test output. */
  String name();

  /** Host and port of the database's PostgreSQL-protocol endpoint. */
  String host();

  int port();

  /** The target URL of a table, reaching the database at {@code host:port}. */
  TargetUrl url(String host, int port, TableName table);

  /**
   * The target URL of a table as a user writes it: JDBC, with the table, user and password as
   * options.
   */
  default String userUrl(TableName table) {
    return userUrl(host(), port(), table);
  }

  /** {@link #userUrl(TableName)} reaching the database at {@code host:port} (a proxy's). */
  default String userUrl(String host, int port, TableName table) {
    TargetUrl url = url(host, port, table);
    StringBuilder text =
        new StringBuilder(url.jdbcUrl())
            .append(url.jdbcUrl().contains("?") ? '&' : '?')
            .append("table=")
            .append(encode(table.schema() + "." + table.table()));
    return withCredentials(url, text);
  }

  /** {@code text}, a URL with a query, and the user and password of {@code url} as options. */
  static String withCredentials(TargetUrl url, StringBuilder text) {
    if (url.user() != null) {
      text.append("&user=").append(encode(url.user()));
    }
    if (url.password() != null) {
      text.append("&password=").append(encode(url.password()));
    }
    return text.toString();
  }

  /** A value for a URL's query. */
  static String encode(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** The schema tests create their tables in. */
  String schema();

  /** A connection for checking what was written. */
  Connection connect() throws SQLException;

  /** Makes all writes to the table visible to queries (CrateDB's REFRESH; nothing elsewhere). */
  void refresh(TableName table) throws SQLException;

  /** Whether this is CrateDB. */
  boolean isCrateDb();
}
