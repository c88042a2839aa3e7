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

  /** The schema tests create their tables in. */
  String schema();

  /** A connection for checking what was written. */
  Connection connect() throws SQLException;

  /** Makes all writes to the table visible to queries (CrateDB's REFRESH; nothing elsewhere). */
  void refresh(TableName table) throws SQLException;

  /** Whether this is CrateDB. */
  boolean isCrateDb();
}
