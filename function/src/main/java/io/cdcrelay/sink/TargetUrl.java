package io.cdcrelay.sink;

import io.cdcrelay.text.NearestName;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the relay writes: a JDBC URL for the PostgreSQL wire protocol, the credentials and the
 * target table, parsed from the URL forms users already have.
 *
 * <ul>
 *   <li>{@code crate://USER[:PASSWORD]@HOST[:PORT]/SCHEMA/TABLE[?ssl=true]}, the reference tool's
 *       SQLAlchemy URL: port 4200 (CrateDB's HTTP port) and no port mean 5432;
 *   <li>{@code postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE[/SCHEMA]/TABLE}, or {@code
 *       /DATABASE?schema=SCHEMA} for a schema only;
 *   <li>{@code jdbc:postgresql://…} and {@code jdbc:crate://…}, the table given separately.
 * </ul>
 *
 * @param jdbcUrl the URL handed to the PostgreSQL JDBC driver, without credentials
 * @param user the user name, or {@code null} for the driver's default
 * @param password the password, or {@code null}
 * @param schema the schema, or {@code null} to use the database's default
 * @param table the table, or {@code null} if the URL does not name one
 */
public record TargetUrl(String jdbcUrl, String user, String password, String schema, String table) {

  private static final int CRATEDB_HTTP_PORT = 4200;
  private static final int POSTGRES_PORT = 5432;
  // The options of crate:// and postgresql:// URLs; anything else is a typo, never ignored.
  private static final List<String> OPTIONS =
      List.of("ssl", "sslmode", "schema", "verify_ssl_cert");

  /** The PostgreSQL driver's {@code sslmode} values. */
  private static final List<String> JDBC_SSL_MODES =
      List.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

  /** Parses any of the accepted URL forms; the message of a failure names the bad part. */
  public static TargetUrl parse(String url) {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("the target URL is empty");
    }
    String trimmed = url.trim();
    if (trimmed.startsWith("jdbc:postgresql:") || trimmed.startsWith("jdbc:crate:")) {
      return parseJdbc(trimmed);
    }
    URI uri;
    try {
      uri = new URI(trimmed);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "the target URL is not a URL: " + redact(trimmed) + " (" + e.getReason() + ")");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme();
    if (uri.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "the target URL holds a '#': percent-encode it in a password (%23): " + redact(trimmed));
    }
    if (uri.getHost() == null
        && uri.getRawAuthority() != null
        && !uri.getRawAuthority().endsWith("@")) {
      // An authority that is not USER:PASSWORD@HOST:PORT: a password's '@', '/' or '?' moved the
      // split, or the port is not a number.
      throw new IllegalArgumentException(
          "the target URL's host and port cannot be read: percent-encode an '@', '/', '?' or ':'"
              + " in the user or password (%40, %2F, %3F, %3A), and give the port as a number: "
              + redact(trimmed));
    }
    if (uri.getHost() == null) {
      // The command line's local target mistyped (--target embeded) is no URL at all.
      boolean embedded =
          !trimmed.contains(":")
              && io.cdcrelay.text.NearestName.distance(
                      trimmed.toLowerCase(java.util.Locale.ROOT), "embedded")
                  <= 2;
      throw new IllegalArgumentException(
          "the target URL has no host: "
              + redact(trimmed)
              + (embedded ? " (did you mean the command line's --target embedded?)" : ""));
    }
    if (uri.getPort() == 0 || uri.getPort() > 65535) {
      throw new IllegalArgumentException(
          "the target URL's port "
              + uri.getPort()
              + " is out of range (1 to 65535; without one 5432): "
              + redact(trimmed));
    }
    String[] credentials = credentials(uri.getRawUserInfo());
    Map<String, String> query = UrlQuery.parse(uri.getRawQuery());
    for (String option : query.keySet()) {
      if (!OPTIONS.contains(option)) {
        throw new IllegalArgumentException(
            "the target URL option \""
                + option
                + "\" is not known"
                + NearestName.of(option, OPTIONS)
                    .map(n -> "; did you mean \"" + n + "\"?")
                    .orElse("")
                + " (options: "
                + String.join(", ", OPTIONS)
                + ")");
      }
    }
    List<String> path = pathSegments(uri.getRawPath());
    switch (scheme) {
      case "crate", "cratedb", "crate+psycopg", "http", "https" -> {
        // The reference tool takes CrateDB's HTTP address too, https meaning ssl=true.
        if (scheme.equals("https") && !query.containsKey("ssl") && !query.containsKey("sslmode")) {
          query.put("ssl", "true");
        }
        int port =
            uri.getPort() < 0 || uri.getPort() == CRATEDB_HTTP_PORT ? POSTGRES_PORT : uri.getPort();
        if (path.size() > 2) {
          throw new IllegalArgumentException(
              "the target URL path must be /SCHEMA/TABLE, got " + uri.getRawPath());
        }
        String schema = TableName.unquote(path.isEmpty() ? query.get("schema") : path.get(0));
        String table = path.size() == 2 ? TableName.unquote(path.get(1)) : null;
        String user = credentials[0] == null ? "crate" : credentials[0];
        // Like the reference tool's HTTP connection: TLS only with ssl=true, never tried first.
        Map<String, String> options = new java.util.HashMap<>(query);
        String ssl = options.getOrDefault("ssl", options.getOrDefault("sslmode", "false"));
        if (List.of("false", "0", "no").contains(ssl.toLowerCase(java.util.Locale.ROOT))) {
          options.put("ssl", "disable");
        }
        String jdbc = jdbcUrl(uri, port, schema == null ? "doc" : schema, options);
        return new TargetUrl(jdbc, user, credentials[1], schema, table);
      }
      case "postgresql", "postgres", "postgresql+psycopg2", "postgresql+psycopg" -> {
        if (path.isEmpty() || path.size() > 3) {
          throw new IllegalArgumentException(
              "the target URL path must be /DATABASE[/SCHEMA]/TABLE, got " + uri.getRawPath());
        }
        int port = uri.getPort() < 0 ? POSTGRES_PORT : uri.getPort();
        // /DATABASE?schema=S names a schema and no table: each DynamoDB table is routed into it.
        String schema = TableName.unquote(path.size() == 3 ? path.get(1) : query.get("schema"));
        String table = path.size() >= 2 ? TableName.unquote(path.get(path.size() - 1)) : null;
        String jdbc = jdbcUrl(uri, port, path.get(0), query);
        return new TargetUrl(jdbc, credentials[0], credentials[1], schema, table);
      }
      default ->
          throw new IllegalArgumentException(
              "the target URL scheme \""
                  + scheme
                  + "\" is not supported; use crate://, postgresql://, jdbc:postgresql:// or"
                  + " jdbc:crate://");
    }
  }

  private static TargetUrl parseJdbc(String url) {
    String jdbc = url.startsWith("jdbc:crate:") ? "jdbc:postgresql:" + url.substring(11) : url;
    int queryStart = jdbc.indexOf('?');
    String base = queryStart < 0 ? jdbc : jdbc.substring(0, queryStart);
    Map<String, String> query =
        UrlQuery.parse(queryStart < 0 ? null : jdbc.substring(queryStart + 1));
    String user = query.remove("user");
    String password = query.remove("password");
    String table = query.remove("table");
    String schema = query.get("currentSchema");
    checkSslMode(query);
    if (table != null && table.contains(".")) {
      schema = table.substring(0, table.indexOf('.'));
      table = table.substring(table.indexOf('.') + 1);
    }
    StringBuilder rebuilt = new StringBuilder(base);
    char separator = '?';
    for (Map.Entry<String, String> e : query.entrySet()) {
      // The driver takes an sslmode in any case; the relay's messages read it in lower case.
      String value =
          e.getKey().equals("sslmode")
              ? e.getValue().toLowerCase(java.util.Locale.ROOT)
              : e.getValue();
      rebuilt.append(separator).append(e.getKey()).append('=').append(encode(value));
      separator = '&';
    }
    return new TargetUrl(rebuilt.toString(), user, password, schema, table);
  }

  /**
   * Refuses an {@code sslmode} the PostgreSQL driver does not know, which it would report only at
   * the first connection, in words that read like an unreachable server. ({@code ssl} the driver
   * reads as a boolean, anything but {@code true} as false: left as it was.)
   */
  private static void checkSslMode(Map<String, String> query) {
    String mode = query.get("sslmode");
    if (mode != null && !JDBC_SSL_MODES.contains(mode.toLowerCase(java.util.Locale.ROOT))) {
      throw new IllegalArgumentException(
          "the target URL option sslmode="
              + mode
              + " is not one of "
              + String.join(", ", JDBC_SSL_MODES));
    }
  }

  /** The same target with another table; a {@code null} schema means the database's default. */
  public TargetUrl withTable(String newSchema, String newTable) {
    if (newSchema != null) {
      new TableName(newSchema, newTable);
    }
    return new TargetUrl(jdbcUrl, user, password, newSchema, newTable);
  }

  /** The target table, if the URL or the settings named one. */
  public Optional<String> tableName() {
    return Optional.ofNullable(table);
  }

  @Override
  public String toString() {
    return "TargetUrl["
        + displayUrl()
        + ", user="
        + user
        + ", password="
        + (password == null ? "none" : "***")
        + ", table="
        + (schema == null ? "" : schema + ".")
        + table
        + "]";
  }

  /**
   * The JDBC URL fit for a log line or an error message: a secret among its options (pgjdbc's
   * {@code sslpassword}, a {@code password} the URL kept) replaced by {@code ***}.
   */
  public String displayUrl() {
    return Redaction.url(jdbcUrl);
  }

  /** A URL fit for a log line or an error message: its password replaced by {@code ***}. */
  public static String redact(String url) {
    // One redaction for every URL: a password holding an unencoded '/', '#', '?' or '@' too.
    return Redaction.url(url);
  }

  private static String jdbcUrl(URI uri, int port, String database, Map<String, String> query) {
    StringBuilder jdbc =
        new StringBuilder("jdbc:postgresql://")
            .append(hostPart(uri))
            .append(':')
            .append(port)
            .append('/')
            .append(database);
    appendSsl(jdbc, query);
    return jdbc.toString();
  }

  private static void appendSsl(StringBuilder jdbc, Map<String, String> query) {
    String option = query.containsKey("ssl") ? "ssl" : "sslmode";
    String ssl = query.getOrDefault(option, "false");
    String verify =
        query.getOrDefault("verify_ssl_cert", "true").toLowerCase(java.util.Locale.ROOT);
    if (!List.of("true", "false", "1", "0", "yes", "no").contains(verify)) {
      throw new IllegalArgumentException(
          "the target URL option verify_ssl_cert=" + verify + " is not one of true, false");
    }
    // The crate client's verify_ssl_cert=false: TLS, the certificate not checked (self-signed).
    boolean verified = List.of("true", "1", "yes").contains(verify);
    switch (ssl.toLowerCase(java.util.Locale.ROOT)) {
      case "true", "verify-full", "1", "yes" ->
          // Verify the server's certificate against the JVM's trust store, as CrateDB Cloud needs.
          jdbc.append(
              verified
                  ? "?ssl=true&sslmode=verify-full"
                      + "&sslfactory=org.postgresql.ssl.DefaultJavaSSLFactory"
                  : "?ssl=true&sslmode=require");
      case "verify-ca" ->
          jdbc.append(
              verified
                  ? "?ssl=true&sslmode=verify-ca"
                      + "&sslfactory=org.postgresql.ssl.DefaultJavaSSLFactory"
                  : "?ssl=true&sslmode=require");
      case "false", "0", "no" -> {}
      case "disable" -> jdbc.append("?sslmode=disable");
      case "require" -> jdbc.append("?ssl=true&sslmode=require");
      case "prefer", "allow" ->
          jdbc.append("?sslmode=").append(ssl.toLowerCase(java.util.Locale.ROOT));
      default ->
          throw new IllegalArgumentException(
              "the target URL option "
                  + option
                  + "="
                  + ssl
                  + " is not one of true, false, require, verify-ca, verify-full, prefer, allow,"
                  + " disable");
    }
  }

  private static String hostPart(URI uri) {
    String host = uri.getHost();
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  private static String[] credentials(String rawUserInfo) {
    if (rawUserInfo == null || rawUserInfo.isEmpty()) {
      return new String[] {null, null};
    }
    int colon = rawUserInfo.indexOf(':');
    if (colon < 0) {
      return new String[] {UrlQuery.decode(rawUserInfo), null};
    }
    return new String[] {
      UrlQuery.decode(rawUserInfo.substring(0, colon)),
      UrlQuery.decode(rawUserInfo.substring(colon + 1))
    };
  }

  private static List<String> pathSegments(String rawPath) {
    List<String> segments = new ArrayList<>();
    if (rawPath != null) {
      for (String segment : rawPath.split("/")) {
        if (!segment.isEmpty()) {
          segments.add(UrlQuery.decode(segment));
        }
      }
    }
    return segments;
  }

  private static String encode(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
