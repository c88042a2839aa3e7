package io.cdcrelay.relay;

import static io.cdcrelay.testing.Records.record;
import static io.cdcrelay.testing.Records.sequenceNumber;
import static io.cdcrelay.testing.Records.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.sink.TableName;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * Dead letters against a real database: poison records, rows the database still rejects, and
 * records whose time overflows, set aside while the rest of the batch is written.
 */
abstract class DeadLetterContract extends RelayFixture {

  @Test
  void rowTheDatabaseStillRejectsIsDeadLetteredAndTheRestIsWritten() throws Exception {
    // No database indexes a 40 KB key (DynamoDB's own limit is 2 KB): rejected even with all
    // attributes in aux.
    // Random hex, so that PostgreSQL cannot compress it into its index either.
    String hugeKey = new java.math.BigInteger(160_000, new java.util.Random(7)).toString(16);
    BatchResult result =
        relay.apply(
            batch(
                record(1, upsert("INSERT", "a", 100, "")),
                record(2, upsert("INSERT", hugeKey, 101, "\"v\":{\"N\":\"1\"}")),
                record(3, upsert("INSERT", "c", 102, ""))));
    assertThat(result.succeeded()).isTrue();
    assertThat(result.deadLettered()).isEqualTo(1);
    assertThat(result.upserted()).isEqualTo(2);
    assertThat(live()).containsOnlyKeys("{\"id\":\"a\"}", "{\"id\":\"c\"}");
    TableName deadLetters = table.sibling("_dead_letters");
    database().refresh(deadLetters);
    try (Connection c = database().connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT \"stage\", \"sequence_number\" FROM " + deadLetters.quoted())) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("write");
      assertThat(rs.getString(2)).isEqualTo(sequenceNumber(2));
      assertThat(rs.next()).isFalse();
    }
  }

  @Test
  void poisonRecordsAreDeadLetteredAndDoNotBlockTheBatch() throws Exception {
    BatchResult result =
        relay.apply(
            batch(
                record(5001, upsert("INSERT", "a", 100, "")),
                record(5002, "this is not json"),
                record(5003, upsert("INSERT", "b", 101, "").replace("aws:dynamodb", "aws:s3")),
                record(5004, upsert("INSERT", "c", 102, ""))));
    assertThat(result.succeeded()).isTrue();
    assertThat(result.deadLettered()).isEqualTo(2);
    assertThat(live()).containsOnlyKeys("{\"id\":\"a\"}", "{\"id\":\"c\"}");
    // Records with no target table at all: the state schema's dead letters.
    TableName deadLetters = new TableName(table.schema(), "cdc_relay_dead_letters");
    database().refresh(deadLetters);
    try (Connection c = database().connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT \"shard_id\", \"sequence_number\", \"stage\", \"reason\", \"payload\","
                    + " \"payload_base64\", \"failed_at\" FROM "
                    + deadLetters.quoted()
                    + " WHERE \"sequence_number\" IN ('"
                    + sequenceNumber(5002)
                    + "', '"
                    + sequenceNumber(5003)
                    + "') ORDER BY \"sequence_number\"")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(2)).isEqualTo(sequenceNumber(5002));
      assertThat(rs.getString(3)).isEqualTo("decode");
      assertThat(rs.getString(4)).startsWith("not JSON");
      assertThat(rs.getString(5)).isEqualTo("this is not json");
      assertThat(rs.getString(6)).isEqualTo("dGhpcyBpcyBub3QganNvbg==");
      assertThat(rs.getTimestamp(7)).isNotNull();
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(2)).isEqualTo(sequenceNumber(5003));
      assertThat(rs.getString(4)).contains("aws:s3");
      assertThat(rs.next()).isFalse();
    }
  }

  @Test
  void aRecordHoldingANulCharacterIsDeadLetteredWithItsExactBytes() throws Exception {
    // U+0000 in a record: escaped in valid JSON (then in the dead letter's reason), and as a raw
    // byte (then in its payload text). PostgreSQL's TEXT refuses the character: stored as it is,
    // the dead letter would fail the batch for ever.
    String escaped = upsert("INSERT", "b", 101, "").replace("aws:dynamodb", "aws:x\\u0000");
    byte[] raw =
        upsert("INSERT", "d", 103, "")
            .replace("aws:dynamodb", "aws:y\u0000")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    BatchResult result =
        relay.apply(
            batch(
                record(6001, upsert("INSERT", "a", 100, "")),
                record(6002, escaped),
                new io.cdcrelay.change.SourceRecord(
                    "shardId-000000000000", sequenceNumber(6003), raw, java.time.Instant.now()),
                record(6004, upsert("INSERT", "c", 102, ""))));
    assertThat(result.succeeded()).as(String.valueOf(result)).isTrue();
    assertThat(result.deadLettered()).isEqualTo(2);
    assertThat(live()).containsOnlyKeys("{\"id\":\"a\"}", "{\"id\":\"c\"}");
    TableName deadLetters = new TableName(table.schema(), "cdc_relay_dead_letters");
    database().refresh(deadLetters);
    try (Connection c = database().connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT \"reason\", \"payload_base64\" FROM "
                    + deadLetters.quoted()
                    + " WHERE \"sequence_number\" = '"
                    + sequenceNumber(6003)
                    + "'")) {
      assertThat(rs.next()).isTrue();
      // A raw control character is not JSON; its payload text held the NUL.
      assertThat(rs.getString(1)).startsWith("not JSON");
      assertThat(java.util.Base64.getDecoder().decode(rs.getString(2))).isEqualTo(raw);
    }
  }

  @Test
  void recordWhoseCreationTimeOverflowsIsDeadLetteredAndTheRestIsWritten() throws Exception {
    String overflowing =
        upsert("INSERT", "b", 9_300_000_000_000_000L, "")
            .replace("\"MICROSECOND\"", "\"MILLISECOND\"");
    BatchResult result =
        relay.apply(
            batch(
                record(1, upsert("INSERT", "a", 100, "")),
                record(2, overflowing),
                record(3, upsert("INSERT", "c", 102, ""))));
    assertThat(result.succeeded()).isTrue();
    assertThat(result.deadLettered()).isEqualTo(1);
    assertThat(live()).containsOnlyKeys("{\"id\":\"a\"}", "{\"id\":\"c\"}");
  }

  @Test
  void batchOfPoisonOnlyNeedsNoTable() throws Exception {
    BatchResult result = relay.apply(batch(record(1, "garbage")));
    assertThat(result.succeeded()).isTrue();
    assertThat(result.deadLettered()).isEqualTo(1);
  }
}
