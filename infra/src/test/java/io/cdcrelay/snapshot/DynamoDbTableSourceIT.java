package io.cdcrelay.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

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
 * items of every type, the same keys to go on from, the same capacity — on dynalite and on moto.
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
          ScanPage page = source.scan(segment, totalSegments, from, limit, true);
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
