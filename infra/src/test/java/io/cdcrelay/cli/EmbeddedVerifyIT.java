package io.cdcrelay.cli;

import static io.cdcrelay.cli.DynamoDbTableTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.cli.DynamoDbTableTest.Run;
import io.cdcrelay.snapshot.DynamoDbEmulator;
import io.cdcrelay.snapshot.TestItems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * {@code relay verify --target embedded} on dynalite: it compares the table with the embedded
 * PostgreSQL a {@code relay load … --target embedded} left in {@code --embedded-dir}, routed as the
 * load routed it (table {@code demo}, or the {@code --table} given), and repairs it; a folder
 * without a database is named, and nothing is created there.
 */
class EmbeddedVerifyIT {

  private static final AtomicInteger NAMES = new AtomicInteger();

  private final DynamoDbEmulator dynamo = DynamoDbEmulator.dynalite();
  private final String source =
      "Embedded-" + ProcessHandle.current().pid() + "-" + NAMES.incrementAndGet();

  @TempDir Path dir;

  @Test
  void aTableLoadedIntoTheEmbeddedDatabaseIsVerifiedAndRepairedThere() throws Exception {
    dynamo.createTable(source, "id:S", null);
    List<Map<String, AttributeValue>> items = new ArrayList<>(TestItems.mixed("id", "e", 20));
    dynamo.put(source, items);
    String embeddedDir = dir.resolve("embedded").toString();
    Run load =
        run("load", dynamo.url(source, ""), "--target", "embedded", "--embedded-dir", embeddedDir);
    assertThat(load.exitCode()).as(load.output()).isZero();

    Run equal =
        run(
            "verify",
            dynamo.url(source, ""),
            "--target",
            "embedded",
            "--embedded-dir",
            embeddedDir);

    assertThat(equal.exitCode()).as(equal.output()).isZero();
    assertThat(equal.output())
        .contains("verified " + source + " against public.demo: 20 items, 20 rows: EQUAL");

    // Changes that never reached the target: a new item, a deleted one, an updated one.
    Map<String, AttributeValue> added = TestItems.mixed("id", "new", 1).get(0);
    dynamo.put(source, List.of(added));
    dynamo.client().deleteItem(r -> r.tableName(source).key(Map.of("id", TestItems.s("e3"))));
    Map<String, AttributeValue> stale = new HashMap<>(items.get(5));
    stale.put("name", TestItems.s("renamed"));
    dynamo.put(source, List.of(stale));

    Run different =
        run(
            "verify",
            dynamo.url(source, ""),
            "--target",
            "embedded",
            "--embedded-dir",
            embeddedDir,
            "--rechecks",
            "1");

    assertThat(different.exitCode()).as(different.output()).isEqualTo(1);
    assertThat(different.output())
        .contains("against public.demo: 20 items, 20 rows: DIFFERENT")
        .contains("missing: 1 (first: {\"id\":\"new0\"})")
        .contains("extra: 1 (first: {\"id\":\"e3\"})")
        .contains("different: 1 (first: {\"id\":\"e5\"})");

    Run repair =
        run(
            "verify",
            dynamo.url(source, ""),
            "--target",
            "embedded",
            "--embedded-dir",
            embeddedDir,
            "--repair");
    assertThat(repair.exitCode()).as(repair.output()).isZero();
    assertThat(repair.output()).contains("repaired: 3").contains(": EQUAL");

    // The repair wrote into the database the folder keeps, started anew for each command.
    Run again =
        run(
            "verify",
            dynamo.url(source, ""),
            "--target",
            "embedded",
            "--embedded-dir",
            embeddedDir);
    assertThat(again.exitCode()).as(again.output()).isZero();
    assertThat(again.output()).contains("against public.demo: 20 items, 20 rows: EQUAL");
  }

  @Test
  void aTableLoadedIntoANamedTableIsVerifiedThereWithTheSameTable() throws Exception {
    dynamo.createTable(source, "id:S", null);
    dynamo.put(source, TestItems.mixed("id", "t", 7));
    String embeddedDir = dir.resolve("embedded").toString();
    Run load =
        run(
            "load",
            dynamo.url(source, ""),
            "--target",
            "embedded",
            "--embedded-dir",
            embeddedDir,
            "--table",
            "orders");
    assertThat(load.exitCode()).as(load.output()).isZero();

    Run verify =
        run(
            "verify",
            dynamo.url(source, ""),
            "--target",
            "embedded",
            "--embedded-dir",
            embeddedDir,
            "--table",
            "orders");

    assertThat(verify.exitCode()).as(verify.output()).isZero();
    assertThat(verify.output()).contains("against public.orders: 7 items, 7 rows: EQUAL");
  }

  @Test
  void aFolderWithoutADatabaseIsNamedAndNothingIsCreated() {
    Path none = dir.resolve("no-load-here");

    Run verify =
        run(
            "verify",
            dynamo.url(source, ""),
            "--target",
            "embedded",
            "--embedded-dir",
            none.toString(),
            "--repair");

    assertThat(verify.exitCode()).as(verify.output()).isEqualTo(2);
    assertThat(verify.output().strip())
        .isEqualTo(
            "No embedded database in "
                + none.toAbsolutePath().normalize()
                + ": relay load dynamodb://…/TABLE --target embedded creates it there (run verify"
                + " from the same folder, or pass the load's --embedded-dir).");
    assertThat(Files.exists(none)).isFalse();
  }
}
