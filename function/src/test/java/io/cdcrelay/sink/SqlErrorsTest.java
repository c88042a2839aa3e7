package io.cdcrelay.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which database errors are outages (retry the batch) and which are the rows' own. */
class SqlErrorsTest {

  @ParameterizedTest(name = "SQLSTATE {0} retryable: {1}")
  @CsvSource({
    "08006, true", // connection failure
    "08001, true", // cannot establish a connection
    "53300, true", // too many connections
    "57P01, true", // admin shutdown
    "58030, true", // I/O error
    "40001, true", // serialization failure
    "23505, false", // unique violation: the row's own problem
    "22P02, false", // invalid text representation
    "42P01, false", // undefined table
    "28P01, false", // wrong password: no retry helps
  })
  void sqlStateClassesDecide(String state, boolean retryable) {
    assertThat(SqlErrors.isRetryable(new SQLException("failed", state))).isEqualTo(retryable);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "NodeDisconnectedException[[node-1] disconnected] | true",
        "NoShardAvailableActionException[No shard available for [get [doc][t][1]]] | true",
        "UnavailableShardsException[[doc.t][2] primary shard is not active Timeout: [1m]] | true",
        "ClusterBlockException[blocked by: [SERVICE_UNAVAILABLE/1/state not recovered]] | true",
        "CircuitBreakingException[[query] Data too large, data for [collect] would be larger] | true",
        "Cannot cast object element `price` with value `cheap` to type `bigint` | false",
        "Dynamic nested arrays are not supported | false",
        "Relation 'doc.missing' unknown | false",
      })
  void crateDbPhrasesUnderSqlStateXx000Decide(String message, boolean retryable) {
    assertThat(SqlErrors.isRetryable(new SQLException("ERROR: " + message, "XX000")))
        .isEqualTo(retryable);
  }

  @Test
  void aColumnAnotherWriterAddedFirstIsToldFromOtherRefusals() {
    // As CrateDB 6.4.3 words it over pgwire.
    SQLException there =
        new SQLException("ERROR: The table doc.t already has a column named data['c']", "XX000");
    assertThat(SqlErrors.isColumnThere(there)).isTrue();
    assertThat(SqlErrors.isRetryable(there)).isFalse();
    assertThat(
            SqlErrors.isColumnThere(
                new SQLException(
                    "ERROR: Limit of total fields [1000] in index [doc.t] has been exceeded",
                    "XX000")))
        .isFalse();
  }

  @ParameterizedTest(name = "SQLSTATE {0} cannot reach the database: {1}")
  @CsvSource({
    "08006, true", // connection failure
    "08001, true", // cannot establish a connection
    "53300, false", // too many connections: the server answered
    "57P01, false", // admin shutdown
    "40001, false", // serialization failure
    "XX000, false", // CrateDB's own errors
  })
  void onlyAConnectionFailureIsOneOfReachingTheDatabase(String state, boolean unreachable) {
    SQLException error = new SQLException("failed", state);
    assertThat(SqlErrors.isConnectionFailure(error)).isEqualTo(unreachable);
    assertThat(new TargetUnavailableException("upsert", error).unreachable())
        .isEqualTo(unreachable);
  }

  @Test
  void aConnectionLostAnywhereInTheChainIsOneOfReachingTheDatabase() {
    SQLException outer = new SQLException("batch entry 0 failed", "XX000");
    outer.setNextException(new SQLRecoverableException("connection reset"));
    assertThat(new TargetUnavailableException("upsert", outer).unreachable()).isTrue();
    SQLException wrapped = new SQLException("I/O error", null, new ConnectException("refused"));
    assertThat(new TargetUnavailableException("upsert", wrapped).unreachable()).isTrue();
    assertThat(new TargetUnavailableException("a tombstone not stored", null).unreachable())
        .as("no cause: a write that did not take")
        .isFalse();
  }

  @Test
  void anOutageAnywhereInTheChainIsRetryable() {
    SQLException outer = new SQLException("batch entry 0 failed", "XX000");
    outer.setNextException(new SQLRecoverableException("connection reset"));
    assertThat(SqlErrors.isRetryable(outer)).isTrue();

    SQLException wrapped = new SQLException("I/O error", null, new ConnectException("refused"));
    assertThat(SqlErrors.isRetryable(wrapped)).isTrue();
    assertThat(SqlErrors.isRetryable(new SQLTransientConnectionException("pool"))).isTrue();
    assertThat(SqlErrors.isRetryable(new IOException("broken pipe"))).isTrue();
  }

  @Test
  void aRowErrorWithoutAnyOutageIsNotRetryable() {
    BatchUpdateException batch = new BatchUpdateException("Batch entry 3 failed", "XX000", 0, null);
    batch.setNextException(new SQLException("ERROR: Cannot cast value", "XX000"));
    assertThat(SqlErrors.isRetryable(batch)).isFalse();
  }

  @Test
  void describeJoinsTheChainOnceEachAndCapsItsLength() {
    SQLException outer = new SQLException("Batch entry 0 failed");
    outer.setNextException(new SQLException("ERROR: Cannot cast value"));
    assertThat(SqlErrors.describe(outer))
        .isEqualTo("Batch entry 0 failed | ERROR: Cannot cast value");
    // PgJDBC repeats the row's error as the batch error's cause: said once.
    SQLException repeated = new SQLException("ERROR: Cannot cast value");
    SQLException batch = new SQLException("Batch entry 0 failed", null, repeated);
    batch.setNextException(new SQLException("ERROR: Cannot cast value"));
    assertThat(SqlErrors.describe(batch))
        .isEqualTo("Batch entry 0 failed | ERROR: Cannot cast value");
    assertThat(SqlErrors.describe(new SQLException("x".repeat(5000)))).hasSize(1001).endsWith("…");
    assertThat(SqlErrors.describe(new SQLException())).isEqualTo("SQLException");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "28P01 | FATAL: password authentication failed for user \"crate\"",
        "28000 | FATAL: no pg_hba.conf entry for host",
        "08004 | The server requested password-based authentication, but no password was provided",
        "3D000 | FATAL: database \"nodb\" does not exist",
        "42501 | permission denied for schema sales",
        "XX000 | Relation name 'doc.a*b' is invalid. Must not contain the following characters [\\, /]",
        "XX000 | this action would add [4] total shards, but this cluster currently has [1000]/[1000]"
            + " maximum shards open",
      })
  void configurationNoRetryCanFixIsToldApart(String state, String message) {
    SQLException error = new SQLException(message + "\n  Where: io.crate.Something", state);
    assertThat(SqlErrors.configurationProblem(error).orElseThrow()).startsWith(message);
    assertThat(SqlErrors.isRetryable(error)).isFalse();
  }

  @Test
  void aClusterAtItsShardLimitIsToldWhatToDo() {
    String limit =
        "this action would add [4] total shards, but this cluster currently has [1000]/[1000]"
            + " maximum shards open";
    assertThat(SqlErrors.configurationProblem(new SQLException(limit, "XX000")))
        .contains(limit + SqlErrors.SHARD_LIMIT_HINT);
    assertThat(
            SqlErrors.configurationProblem(
                    new SQLException("Relation name 'a b' is invalid. Must not contain", "XX000"))
                .orElseThrow())
        .doesNotContain("shard limit");
  }

  @Test
  void outagesAndRowErrorsAreNoConfigurationProblem() {
    assertThat(SqlErrors.configurationProblem(new SQLException("refused", "08001"))).isEmpty();
    assertThat(SqlErrors.configurationProblem(new SQLException("Cannot cast", "XX000"))).isEmpty();
    assertThat(SqlErrors.configurationProblem(new java.io.IOException("reset"))).isEmpty();
  }
}
