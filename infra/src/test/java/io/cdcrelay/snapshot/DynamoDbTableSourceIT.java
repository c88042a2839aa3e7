package io.cdcrelay.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcrelay.change.AttributeValue;
import io.cdcrelay.source.DynamoDbTableUrl;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * The Scan pages the load reads from the response bodies are the pages the SDK reads — the same
 * items of every type, the same keys to go on from, the same capacity — on dynalite and on moto;
 * and the consistent reads by key that verify and repair make (BatchGetItem) come back whole when
 * DynamoDB leaves keys unprocessed, or fail saying so.
 */
class DynamoDbTableSourceIT {

  @RegisterExtension static final MotoDynamoDb MOTO = new MotoDynamoDb();

  @Test
  void dynaliteScanPagesReadFromTheirBodiesAreTheSdksPages() {
    samePagesAsTheSdk(DynamoDbEmulator.dynalite());
  }

  @Test
  void motoScanPagesReadFromTheirBodiesAreTheSdksPages() {
    samePagesAsTheSdk(MOTO.get());
  }

  @Test
  void aTableThatDoesNotExistIsNamedWithWhereItWasLookedFor() {
    DynamoDbEmulator dynamo = DynamoDbEmulator.dynalite();
    try (DynamoDbTableSource source =
        DynamoDbTableSource.from(DynamoDbTableUrl.parse(dynamo.url("no_such_table", "")))) {
      assertThatThrownBy(source::describe)
          .isInstanceOf(SourceReadException.class)
          .hasMessage(
              "the DynamoDB table no_such_table does not exist at http://127.0.0.1:"
                  + dynamo.port()
                  + " in region us-east-1 (check its name and region; without region= in the"
                  + " URL it is AWS_REGION, AWS_DEFAULT_REGION or the profile's, else us-east-1)")
          .matches(e -> !((SourceReadException) e).retryable(), "not retried");
    }
  }

  @Test
  void anAttributeNameLongerThanJacksonsDefaultLimitIsReadByScanAndByKey() {
    // DynamoDB takes attribute names of up to 64 KB; Jackson's parsers stop at 50,000 characters.
    DynamoDbEmulator dynamo = DynamoDbEmulator.dynalite();
    String table = "source_" + UUID.randomUUID().toString().substring(0, 8);
    dynamo.createTable(table, "id:S", null);
    String name = "n".repeat(60_000);
    dynamo.put(
        table,
        List.of(
            Map.of(
                "id",
                TestItems.s("long"),
                name,
                software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("v"))));
    Map<String, AttributeValue> expected =
        Map.of("id", new AttributeValue.S("long"), name, new AttributeValue.S("v"));
    try (DynamoDbTableSource source =
        DynamoDbTableSource.from(DynamoDbTableUrl.parse(dynamo.url(table, "")))) {
      ScanPage page = source.scan(0, 1, Map.of(), 10, false, false);
      assertThat(page.items()).containsExactly(expected);
      assertThat(source.pagesReadFromBody()).isEqualTo(1);
      assertThat(source.getItems(List.of(Map.of("id", new AttributeValue.S("long")))))
          .containsExactly(expected);
    }
  }

  @Test
  void keysThatBatchGetItemLeftUnprocessedAreAskedForAgain() throws Exception {
    DynamoDbEmulator dynamo = DynamoDbEmulator.dynalite();
    String table = "source_" + UUID.randomUUID().toString().substring(0, 8);
    dynamo.createTable(table, "id:S", null);
    List<Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue>> items =
        new ArrayList<>();
    List<Map<String, AttributeValue>> keys = new ArrayList<>();
    for (int i = 0; i < 270; i++) {
      // Every tenth key has no item.
      if (i % 10 != 3) {
        items.add(TestItems.everyType("id", TestItems.s("item-" + i)));
      }
      keys.add(Map.of("id", new AttributeValue.S("item-" + i)));
    }
    dynamo.put(table, items);
    List<Map<String, AttributeValue>> expected = new ArrayList<>();
    items.forEach(item -> expected.add(SdkItems.toModel(item)));

    try (FaultyDynamoDb proxy = new FaultyDynamoDb(dynamo.port());
        DynamoDbTableSource source =
            DynamoDbTableSource.from(DynamoDbTableUrl.parse(dynamo.url(proxy.port(), table, "")))) {
      // 30 keys of each request read, the others left for the next: the 270 keys, asked for in
      // requests of 100, 100 and 70, take 4, 4 and 3 requests.
      proxy.processBatchGetKeys(30);
      List<Map<String, AttributeValue>> read = source.getItems(keys);

      assertThat(read).containsExactlyInAnyOrderElementsOf(expected);
      assertThat(proxy.keysLeftUnprocessed()).isGreaterThan(0);
      assertThat(proxy.batchGets()).isEqualTo(4 + 4 + 3);
    }
  }

  @Test
  void keysLeftUnprocessedTimeAfterTimeFailTheReadRetryably() throws Exception {
    DynamoDbEmulator dynamo = DynamoDbEmulator.dynalite();
    String table = "source_" + UUID.randomUUID().toString().substring(0, 8);
    dynamo.createTable(table, "id:S", null);
    dynamo.put(table, List.of(TestItems.everyType("id", TestItems.s("only"))));
    try (FaultyDynamoDb proxy = new FaultyDynamoDb(dynamo.port());
        DynamoDbTableSource source =
            DynamoDbTableSource.from(DynamoDbTableUrl.parse(dynamo.url(proxy.port(), table, "")))) {
      proxy.processBatchGetKeys(0);
      List<Map<String, AttributeValue>> keys =
          List.of(
              Map.of("id", new AttributeValue.S("only")),
              Map.of("id", new AttributeValue.S("none")));

      assertThatThrownBy(() -> source.getItems(keys))
          .isInstanceOfSatisfying(
              SourceReadException.class, e -> assertThat(e.retryable()).isTrue())
          .hasMessage("BatchGetItem of " + table + " left 2 keys unprocessed 8 times (throttled)");
      assertThat(proxy.batchGets()).isEqualTo(8);

      proxy.heal();
      assertThat(source.getItems(keys))
          .containsExactly(SdkItems.toModel(TestItems.everyType("id", TestItems.s("only"))));
    }
  }

  private static void samePagesAsTheSdk(DynamoDbEmulator dynamo) {
    String table = "source_" + UUID.randomUUID().toString().substring(0, 8);
    dynamo.createTable(table, "id:S", null);
    List<Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue>> items =
        new ArrayList<>();
    for (int i = 0; i < 23; i++) {
      items.add(TestItems.everyType("id", TestItems.s("item-" + i)));
    }
    dynamo.put(table, items);

    int totalSegments = 2;
    int limit = 4;
    int pages = 0;
    int read = 0;
    try (DynamoDbTableSource source =
        DynamoDbTableSource.from(DynamoDbTableUrl.parse(dynamo.url(table, "")))) {
      for (int segment = 0; segment < totalSegments; segment++) {
        Map<String, AttributeValue> from = Map.of();
        while (true) {
          ScanPage page = source.scan(segment, totalSegments, from, limit, true, true);
          ScanPage expected = sdkPage(dynamo, table, segment, totalSegments, from, limit);
          assertThat(page.items())
              .as("segment %d after %s", segment, from)
              .isEqualTo(expected.items());
          assertThat(page.lastKey()).isEqualTo(expected.lastKey());
          assertThat(page.consumedCapacity()).isEqualTo(expected.consumedCapacity());
          // Its size is its response body's: its items, in DynamoDB JSON, and more.
          assertThat(page.bytes()).isGreaterThan(ItemSize.of(page.items()));
          pages++;
          read += page.items().size();
          if (page.isLast()) {
            break;
          }
          from = page.lastKey();
        }
      }
      assertThat(read).isEqualTo(items.size());
      assertThat(source.pagesReadFromBody()).isEqualTo(pages);
    }
  }

  /** The page as the SDK reads it, converted to the change model. */
  private static ScanPage sdkPage(
      DynamoDbEmulator dynamo,
      String table,
      int segment,
      int totalSegments,
      Map<String, AttributeValue> from,
      int limit) {
    ScanResponse response =
        dynamo
            .client()
            .scan(
                r -> {
                  r.tableName(table)
                      .segment(segment)
                      .totalSegments(totalSegments)
                      .limit(limit)
                      .consistentRead(true)
                      .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL);
                  if (!from.isEmpty()) {
                    r.exclusiveStartKey(SdkItems.toSdk(from));
                  }
                });
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    response.items().forEach(item -> items.add(SdkItems.toModel(item)));
    return new ScanPage(
        items,
        response.hasLastEvaluatedKey()
            ? SdkItems.toModel(response.lastEvaluatedKey())
            : new HashMap<>(),
        response.consumedCapacity().capacityUnits());
  }
}
