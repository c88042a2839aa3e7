package io.cdcrelay.change;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AttributeMapTest {

  private static final AttributeValue A = new AttributeValue.S("a");
  private static final AttributeValue B = new AttributeValue.N(new java.math.BigDecimal("2"));

  private static LinkedHashMap<String, AttributeValue> filled() {
    LinkedHashMap<String, AttributeValue> map = new LinkedHashMap<>();
    map.put("z", A);
    map.put("a", B);
    return map;
  }

  @Test
  void anAdoptedMapKeepsItsEntriesInTheirOrderAndTakesNoChange() {
    Map<String, AttributeValue> held = AttributeMap.adopt(filled());

    assertThat(held.keySet()).containsExactly("z", "a");
    assertThat(held).isEqualTo(filled()).hasSameHashCodeAs(filled());
    assertThat(held.get("a")).isEqualTo(B);
    assertThatThrownBy(() -> held.put("b", A)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> held.remove("z")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(held::clear).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> held.keySet().remove("z"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> held.entrySet().iterator().next().setValue(B))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(held).hasSize(2);
  }

  @Test
  void aMapNotHandedOverIsCopiedAndAHeldOneIsNot() {
    LinkedHashMap<String, AttributeValue> source = filled();
    Map<String, AttributeValue> copy = AttributeMap.of(source);
    source.put("later", A);
    source.remove("z");

    assertThat(copy.keySet()).as("a copy, unchanged by its source").containsExactly("z", "a");
    assertThat(AttributeMap.of(copy)).as("held already: no second copy").isSameAs(copy);
    assertThat(AttributeMap.adopt(copy)).isSameAs(copy);
    assertThat(AttributeMap.of(Map.of())).isEmpty();
  }

  @Test
  void aChangeHoldsTheMapsADecoderHandsOverAsTheyAreAndCopiesOthers() {
    Map<String, AttributeValue> keys = AttributeMap.adopt(new LinkedHashMap<>(Map.of("id", A)));
    Map<String, AttributeValue> item = AttributeMap.adopt(filled());
    LinkedHashMap<String, AttributeValue> old = filled();
    Change change =
        new Change(
            Operation.MODIFY,
            "t",
            keys,
            item,
            old,
            1,
            false,
            new SourceRecord("shard", "1", new byte[0], Instant.EPOCH));
    old.clear();

    assertThat(change.keys()).isSameAs(keys);
    assertThat(change.newImage()).isSameAs(item);
    assertThat(change.oldImage()).as("copied: its source changed after").isEqualTo(filled());
    assertThatThrownBy(() -> change.oldImage().put("b", A))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void aMapAttributeHoldsAHandedOverMapAsItIs() {
    Map<String, AttributeValue> fields = AttributeMap.adopt(filled());
    LinkedHashMap<String, AttributeValue> plain = filled();
    AttributeValue.M copied = new AttributeValue.M(plain);
    plain.clear();

    assertThat(new AttributeValue.M(fields).value()).isSameAs(fields);
    assertThat(copied.value()).isEqualTo(filled());
  }
}
