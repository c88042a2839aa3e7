package io.cdcrelay.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcrelay.change.SourceRecord;
import io.cdcrelay.sink.JdbcTarget;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.sink.TargetUrl;
import io.cdcrelay.testing.FaultyProxy;
import io.cdcrelay.testing.TableRows;
import io.cdcrelay.testing.TargetDatabase;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the relay contracts share: a fresh table per test, a relay writing to it through a proxy
 * that can cut the connection, and readers of what landed. Each feature's contract extends it and
 * runs once per database.
 */
abstract class RelayFixture {

  private static final AtomicInteger TABLES = new AtomicInteger();
  private static final ObjectMapper JSON = new ObjectMapper();

  TableName table;
  FaultyProxy proxy;
  Relay relay;

  /** The database under test; tests are skipped when it is not available. */
  abstract TargetDatabase database();

  @BeforeEach
  void setUp() throws Exception {
    table =
        new TableName(
            database().schema(),
            "relay_" + ProcessHandle.current().pid() + "_" + TABLES.incrementAndGet());
    proxy = new FaultyProxy(database().host(), database().port());
    relay = relayTo(table);
  }

  @AfterEach
  void tearDown() throws Exception {
    relay.close();
    proxy.close();
  }

  Relay relayTo(TableName name) {
    TargetUrl url = database().url("127.0.0.1", proxy.port(), name);
    return new Relay(
        new JdbcTarget(url, () -> null, Clock.systemUTC(), 30),
        RelaySettings.single(name.schema(), name.table()),
        Clock.systemUTC());
  }

  static List<SourceRecord> batch(SourceRecord... records) {
    return List.of(records);
  }

  Map<String, JsonNode> live() throws Exception {
    return TableRows.liveItems(database(), table);
  }

  static JsonNode json(String text) throws Exception {
    return JSON.readTree(text);
  }
}
