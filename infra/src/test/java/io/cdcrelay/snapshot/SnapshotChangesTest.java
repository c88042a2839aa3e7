package io.cdcrelay.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcrelay.change.AttributeValue;
import io.cdcrelay.change.Change;
import io.cdcrelay.change.ChangeVersion;
import io.cdcrelay.change.Decoded;
import io.cdcrelay.change.Operation;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SnapshotChangesTest {

  private final ChangeVersion version =
      ChangeVersion.ofRead(Instant.parse("2026-12-01T12:00:00Z"), Duration.ofSeconds(5));
  private final SnapshotChanges changes =
      new SnapshotChanges("Orders", List.of("shop", "sku"), version);

  private static Map<String, AttributeValue> item(int shop, String sku) {
    Map<String, AttributeValue> item = new LinkedHashMap<>();
    item.put("shop", new AttributeValue.N(BigDecimal.valueOf(shop)));
    item.put("sku", new AttributeValue.S(sku));
    item.put("big", new AttributeValue.N(new BigDecimal("12345678901234567890123456789012345678")));
    return item;
  }

  @Test
  void anItemIsAnUpsertOfItsTableWithTheReadVersionAndItsKeys() {
    Decoded decoded = changes.upsert(item(1, "a"));
    Change change = ((Decoded.Ok) decoded).change();
    assertThat(change.operation()).isEqualTo(Operation.INSERT);
    assertThat(change.tableName()).isEqualTo("Orders");
    assertThat(change.version()).isEqualTo(version);
    assertThat(change.createdAt()).isEqualTo(Instant.parse("2026-12-01T11:59:55Z"));
    assertThat(change.keys()).containsOnlyKeys("shop", "sku");
    assertThat(change.newImage()).isEqualTo(item(1, "a"));
    assertThat(change.source().shardId())
        .isEqualTo("dynamodb:Orders {\"shop\":{\"N\":\"1\"},\"sku\":{\"S\":\"a\"}}");
    assertThat(new String(change.source().data(), StandardCharsets.UTF_8))
        .contains("\"big\":{\"N\":\"12345678901234567890123456789012345678\"}");
  }

  @Test
  void theItemIsWrittenAsJsonOnlyWhenItsPayloadIsAskedFor() {
    Change change = ((Decoded.Ok) changes.upsert(item(2, "p"))).change();
    assertThat(change.source())
        .hasToString(
            "SourceRecord[dynamodb:Orders {\"shop\":{\"N\":\"2\"},\"sku\":{\"S\":\"p\"}}/0,"
                + " payload not written yet]");

    byte[] payload = change.source().data();

    assertThat(ItemJson.parse(new String(payload, StandardCharsets.UTF_8))).isEqualTo(item(2, "p"));
    assertThat(change.source().data()).isSameAs(payload);
    assertThat(change.source().toString()).endsWith(", " + payload.length + " bytes]");
  }

  @Test
  void twoItemsHaveDistinctSourcesSoTheirDeadLettersDoNotCollide() {
    List<Decoded> page = changes.upserts(List.of(item(1, "a"), item(1, "b")));
    assertThat(page.get(0).source().shardId()).isNotEqualTo(page.get(1).source().shardId());
  }

  @Test
  void aRemovalCarriesOnlyTheKey() {
    Change change =
        ((Decoded.Ok)
                changes.remove(
                    Map.of(
                        "shop",
                        new AttributeValue.N(BigDecimal.ONE),
                        "sku",
                        new AttributeValue.S("a"))))
            .change();
    assertThat(change.operation()).isEqualTo(Operation.REMOVE);
    assertThat(change.newImage()).isEmpty();
    assertThat(change.version()).isEqualTo(version);
  }

  @Test
  void anItemWithoutItsKeysIsPoison() {
    Decoded decoded = changes.upsert(Map.of("sku", new AttributeValue.S("a")));
    assertThat(decoded).isInstanceOf(Decoded.Poison.class);
    assertThat(((Decoded.Poison) decoded).reason()).contains("lacks key attributes");
  }

  @Test
  void onlyAReadVersionIsAccepted() {
    assertThatThrownBy(
            () -> new SnapshotChanges("Orders", List.of("id"), new ChangeVersion(1, "42")))
        .hasMessageContaining("not a read version");
  }
}
