package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.kinesis.KinesisLocal;
import io.cdcrelay.testing.PostgresDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every bad source URL fails before anything is created or consumed: one message naming the problem
 * on standard error, exit code 2, no stream created in kinesis-local (although the URL asks for
 * {@code create=true}), no table in PostgreSQL, and the secret key nowhere in the output.
 */
class LoadCommandIT {

  private static final AtomicInteger NAMES = new AtomicInteger();
  private static final String SECRET = "wJalrXUtnFEMI%2FK7MDENG%2BbPxRfiCYzEXAMPLEKEY";

  static Stream<Arguments> badUrls() {
    return Stream.of(
        Arguments.of("create=true&batch-sise=5", "unknown option \"batch-sise\""),
        Arguments.of("create=true&batch-sise=5", "did you mean \"batch-size\"?"),
        Arguments.of("create=true&batch-size=many", "batch-size=many is not a whole number"),
        Arguments.of("create=true&batch-size=0", "batch-size=0 is out of range: 1 to 10000"),
        Arguments.of("create=true&batch-size=10001", "batch-size=10001 is out of range"),
        Arguments.of("create=true&create-shards=-1", "create-shards=-1 is out of range"),
        Arguments.of("create=true&buffer-time=soon", "buffer-time=soon is not a number of seconds"),
        Arguments.of("create=true&idle-sleep=7200", "idle-sleep=7200 is out of range"),
        Arguments.of("create=true&once=maybe", "once=maybe is not one of true, false"),
        Arguments.of("create=true&start=middle", "start=middle is not one of earliest, latest"),
        Arguments.of("create=true&start=seqno-at", "start=seqno-at needs seqno="),
        Arguments.of("create=true&start=seqno-after&seqno=12x", "seqno=12x is not a Kinesis"),
        Arguments.of(
            "create=true&seqno=49656709367126341276",
            "seqno is only accepted with start=seqno-at or start=seqno-after"),
        Arguments.of("create=true&region=mars", "region=mars is not an AWS region"));
  }

  @ParameterizedTest
  @MethodSource("badUrls")
  void badOptionFailsBeforeAnythingIsCreated(String options, String message) throws Exception {
    KinesisLocal kinesis = KinesisLocal.get();
    PostgresDatabase postgres = PostgresDatabase.get();
    String name = "bad_" + ProcessHandle.current().pid() + "_" + NAMES.incrementAndGet();
    String url =
        "kinesis+dynamodb+cdc://AKIAIOSFODNN7EXAMPLE:"
            + SECRET
            + "@127.0.0.1:"
            + kinesis.port()
            + "/"
            + name
            + "?"
            + options;

    LocalRelayContract.Run run =
        LocalRelayContract.load(
            "load",
            "table",
            url,
            "--target",
            "postgresql://postgres@127.0.0.1:" + postgres.port() + "/postgres/public/" + name);

    assertThat(run.exitCode()).as(run.output()).isEqualTo(2);
    assertThat(run.output())
        .contains("Bad source URL: ")
        .contains(message)
        .doesNotContain("wJalrXUtnFEMI")
        .doesNotContain("Exception");
    assertThat(run.output().lines().count()).as(run.output()).isEqualTo(1);
    assertThat(kinesis.exists(name)).as("stream created").isFalse();
    assertThat(tableExists(postgres, name)).as("table created").isFalse();
  }

  @ParameterizedTest
  @MethodSource("otherSchemes")
  void unknownSchemeFailsBeforeAnythingIsCreated(String url) throws Exception {
    LocalRelayContract.Run run =
        LocalRelayContract.load(
            "load", url, "postgresql://postgres@127.0.0.1:5432/postgres/public/never");
    assertThat(run.exitCode()).as(run.output()).isEqualTo(2);
    assertThat(run.output())
        .contains("is not supported; use kinesis+dynamodb+cdc://")
        .doesNotContain("wJalrXUtnFEMI");
  }

  static Stream<String> otherSchemes() {
    return Stream.of(
        "kinesis://AKIAIOSFODNN7EXAMPLE:" + SECRET + "@localhost:4566/stream",
        "dynamodbstreams://aws/stream?region=eu-central-1",
        "gs://bucket/AWSDynamoDB/0171-ab12/");
  }

  private static boolean tableExists(PostgresDatabase postgres, String table) throws Exception {
    try (Connection c = postgres.connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT count(*) FROM information_schema.tables WHERE table_name = ?")) {
      s.setString(1, table);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1) > 0;
      }
    }
  }
}
