package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.kinesis.KinesisEmulator;
import io.cdcrelay.kinesis.KinesisLocal;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.sink.TargetUrl;
import io.cdcrelay.testing.CrateDbDatabase;
import io.cdcrelay.testing.TargetDatabase;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The local relay against kinesis-local and the CrateDB that {@code CRATEDB_URL} points at. */
class CrateDbLocalRelayIT extends LocalRelayContract {

  private static CrateDbDatabase crateDb;

  @BeforeAll
  static void requireCrateDb() {
    crateDb = CrateDbDatabase.require();
  }

  @Override
  TargetDatabase database() {
    return crateDb;
  }

  @Override
  KinesisEmulator kinesis() {
    return KinesisLocal.get();
  }

  @Test
  void theTableOptionsShapeTheTableTheStreamsRelayCreates() throws Exception {
    String stream = "shaped-" + ProcessHandle.current().pid();
    KinesisLocal.get().createStream(stream, 1);
    SourceItems items = SourceItems.mixed("s", 3);
    KinesisLocal.get().put(stream, items.take());

    Run run =
        load(
            "load",
            KinesisLocal.get().url(stream, "once=true"),
            target(),
            "--table-options",
            "CLUSTERED INTO 2 SHARDS WITH (number_of_replicas = 0)");

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(io.cdcrelay.testing.TableRows.shards(crateDb, targetTable())).isEqualTo(2);
    assertThat(live()).isEqualTo(items.expected());
  }

  @Test
  void aTableNameCrateDbRefusesEndsTheLoadAtOnceWithCrateDbsReason() {
    String stream = "bad-name-" + ProcessHandle.current().pid();
    KinesisLocal.get().createStream(stream, 1);
    KinesisLocal.get().put(stream, SourceItems.mixed("b", 3).take());
    TargetUrl url =
        crateDb.url(crateDb.host(), crateDb.port(), new TableName(crateDb.schema(), "x"));
    String target =
        url.jdbcUrl()
            + (url.jdbcUrl().contains("?") ? "&" : "?")
            + "table="
            + URLEncoder.encode(crateDb.schema() + ".bad*name", StandardCharsets.UTF_8)
            + (url.user() == null ? "" : "&user=" + url.user());

    Run run =
        load("load", "table", KinesisLocal.get().url(stream, "once=true"), "--target", target);

    assertThat(run.exitCode()).as(run.output()).isEqualTo(2);
    assertThat(run.output())
        .contains("Bad configuration")
        .contains("Relation name")
        .contains("is invalid");
  }
}
