package io.cdcrelay.sink;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.function.Supplier;

/** Opens connections to a target with the relay's driver settings. */
public final class JdbcConnections {

  private JdbcConnections() {}

  /**
   * Opens an auto-committing connection.
   *
   * @param password the password source (a secret lookup, say); {@code null} from it means the
   *     URL's password. A {@link RefreshablePassword} whose cached password the server refuses is
   *     read afresh, and the login tried once more when the password changed (a rotation)
   * @param socketTimeoutSeconds how long a call may take before it fails as retryable
   * @param applicationName how the connection shows in the database's session list
   * @throws TargetUnavailableException when the password cannot be read
   */
  public static Connection open(
      TargetUrl url, Supplier<String> password, int socketTimeoutSeconds, String applicationName)
      throws SQLException {
    Properties properties = new Properties();
    if (url.user() != null) {
      properties.setProperty("user", url.user());
    }
    String secret;
    try {
      secret = password.get();
    } catch (RuntimeException e) {
      throw new TargetUnavailableException(
          "cannot read the database password: " + e.getMessage(), e, false);
    }
    String effectivePassword = secret != null ? secret : url.password();
    if (effectivePassword != null) {
      properties.setProperty("password", effectivePassword);
    }
    properties.setProperty("connectTimeout", "10");
    properties.setProperty("socketTimeout", Integer.toString(socketTimeoutSeconds));
    properties.setProperty("tcpKeepAlive", "true");
    properties.setProperty("ApplicationName", applicationName);
    // Keep item values out of exception messages, which end up in logs and dead letters.
    properties.setProperty("logServerErrorDetail", "false");
    Connection connection;
    try {
      connection = DriverManager.getConnection(url.jdbcUrl(), properties);
    } catch (SQLException e) {
      // A rotated secret: the database has the new password, the cache still the old one.
      String fresh = loginRefused(e) ? refreshed(password, secret) : null;
      if (fresh == null) {
        throw e;
      }
      properties.setProperty("password", fresh);
      connection = DriverManager.getConnection(url.jdbcUrl(), properties);
    }
    try {
      connection.setAutoCommit(true);
    } catch (SQLException | RuntimeException e) {
      // Not handed out, so closed here: nobody else could.
      try {
        connection.close();
      } catch (SQLException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
    return connection;
  }

  /** Whether the server refused the login (SQLSTATE class 28: wrong user or password). */
  private static boolean loginRefused(SQLException e) {
    return e.getSQLState() != null && e.getSQLState().startsWith("28");
  }

  /**
   * The password read afresh when {@code password} caches one and it changed since {@code used} was
   * read; else {@code null}.
   */
  private static String refreshed(Supplier<String> password, String used) {
    if (used == null || !(password instanceof RefreshablePassword refreshable)) {
      return null;
    }
    String fresh;
    try {
      fresh = refreshable.refresh();
    } catch (RuntimeException e) {
      return null;
    }
    return fresh == null || fresh.equals(used) ? null : fresh;
  }

  /**
   * The schema unqualified names resolve to: {@code doc} on CrateDB, {@code public} on PostgreSQL.
   */
  public static String currentSchema(Connection connection) throws SQLException {
    try (java.sql.Statement statement = connection.createStatement();
        java.sql.ResultSet rs = statement.executeQuery("SELECT current_schema()")) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** Whether the connection reaches CrateDB rather than PostgreSQL (both speak its protocol). */
  public static boolean isCrateDb(Connection connection) throws SQLException {
    try (java.sql.Statement statement = connection.createStatement();
        java.sql.ResultSet rs = statement.executeQuery("SELECT version()")) {
      rs.next();
      String version = rs.getString(1);
      return version != null && version.contains("CrateDB");
    }
  }

  /**
   * Whether the server answered the connection in another protocol than PostgreSQL's: the driver
   * read bytes that are no answer to its SSL request or its startup message (SQLSTATE 08P01, as
   * CrateDB's HTTP port 4200 answers). No retry changes what a port speaks, unlike a connection
   * closed at once (an end of stream), which a server going down gives too.
   */
  public static boolean answeredInAnotherProtocol(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && "08P01".equals(sql.getSQLState())) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /**
   * Why a connection could not be opened, saying what was tried: a port that speaks another
   * protocol (CrateDB's HTTP port 4200, its transport port 4300) otherwise fails with a misleading
   * "error occurred while setting up the SSL connection" or "Protocol error".
   */
  public static String describeConnectFailure(TargetUrl url, SQLException e) {
    String jdbc = url.jdbcUrl();
    String tried =
        jdbc.contains("sslmode=disable")
            ? "a plain PostgreSQL-protocol connection"
            : jdbc.contains("sslmode=require") || jdbc.contains("sslmode=verify")
                ? "an SSL PostgreSQL-protocol connection"
                : "a PostgreSQL-protocol connection, SSL first (the driver's sslmode=prefer)";
    String text =
        "cannot connect to "
            + url.displayUrl()
            + (url.user() == null ? "" : " as user " + url.user());
    String described = SqlErrors.describe(e);
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    if (described.contains("EOFException") || (e.getCause() instanceof java.io.EOFException)) {
      // A port that speaks another protocol may do this too, but so does a server going down.
      return text
          + ": tried "
          + tried
          + " and the server closed the connection before answering ("
          + described
          + "): a database starting or stopping, a proxy with no database behind it, or a port"
          + " that is not the database's PostgreSQL port (CrateDB: 5432, not HTTP 4200 or"
          + " transport 4300)";
    }
    if (state.equals("08P01") || described.contains("SSL connection")) {
      return text
          + ": tried "
          + tried
          + " and the server answered in another protocol ("
          + described
          + "); is the port the database's PostgreSQL port (CrateDB: 5432, not HTTP 4200 or"
          + " transport 4300)?";
    }
    return text + ": tried " + tried + ": " + described;
  }
}
