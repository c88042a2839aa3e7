package io.cdcrelay.cli;

import static io.cdcrelay.testing.Records.record;
import static io.cdcrelay.testing.Records.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcrelay.lambda.FunctionConfig;
import io.cdcrelay.relay.Relay;
import io.cdcrelay.testing.CrateDbDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code relay status} against the CrateDB that {@code CRATEDB_URL} points at: the dead letters it
 * counts are queries, which see only what a {@code REFRESH} made visible.
 */
class CrateDbStatusCommandIT {

  private static final String STREAM = "arn:aws:kinesis:eu-central-1:123456789012:stream/cdc";

  private static CrateDbDatabase crateDb;

  private final long pid = ProcessHandle.current().pid();

  @BeforeAll
  static void requireCrateDb() {
    crateDb = CrateDbDatabase.require();
  }

  /** The table {@code orders} of {@code schema}, which is also the state schema. */
  private static String url(String schema) {
    String url = System.getenv("CRATEDB_URL").trim();
    return url + (url.contains("?") ? "&" : "?") + "table=" + schema + ".orders";
  }

  private static String run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new StatusCommand(Map.of(), Clock.systemUTC()));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    assertThat(exit).as(out + "\n" + err).isZero();
    return out.toString();
  }

  @Test
  void aFirstLookNamesTheStateSchemaItReadAndCreatesNothing() throws Exception {
    String schema = "cdc_relay_it_status_" + pid + "_fresh";

    assertThat(run(url(schema)))
        .contains("no status yet: no relay has recorded a batch in state schema " + schema)
        .contains("Dead letters: none");
    assertThat(tablesIn(schema)).as("a status read creates nothing").isZero();
  }

  @Test
  void recordsThatNeverDecodedAreCountedBesideTheStatusRows() throws Exception {
    String schema = "cdc_relay_it_status_" + pid + "_decode";
    FunctionConfig config =
        FunctionConfig.fromEnvironment(Map.of("CRATEDB_SQLALCHEMY_URL", url(schema)));
    try (Relay relay =
        new Relay(
            config.openTarget(() -> null, Clock.systemUTC()),
            config.settings(),
            Clock.systemUTC())) {
      relay.apply(
          List.of(
              record(1, upsert("INSERT", "a", 1_720_000_000_000_000L, "")),
              record(2, "not json"),
              record(3, "{\"truncated\":")),
          STREAM);
    }

    String text = run(url(schema));
    assertThat(text)
        .containsPattern("(?m)^" + schema + "\\.orders\\s+" + java.util.regex.Pattern.quote(STREAM))
        .contains("Dead letters: 2 (decode: 2)")
        .containsPattern("(?m)^-\\s+decode\\s+2$");

    JsonNode json = new ObjectMapper().readTree(run(url(schema), "--json"));
    assertThat(json.get("tables")).hasSize(1);
    assertThat(json.get("dead_letters").get("by_stage").get("decode").asLong()).isEqualTo(2);
  }

  private static int tablesIn(String schema) throws Exception {
    try (Connection c = crateDb.connect();
        PreparedStatement q =
            c.prepareStatement(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = ?")) {
      q.setString(1, schema);
      try (ResultSet rs = q.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }
}
