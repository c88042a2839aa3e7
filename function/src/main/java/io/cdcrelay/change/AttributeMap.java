package io.cdcrelay.change;

import java.util.AbstractMap;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Attributes as a {@link Change} and an {@link AttributeValue.M} hold them: read-only, in the order
 * they were put. A decoder hands over the map it has just filled ({@link #adopt}) instead of having
 * it copied: a full load's copy of every item took 6 % of its relay's CPU.
 */
public final class AttributeMap extends AbstractMap<String, AttributeValue> {

  private static final AttributeMap EMPTY = new AttributeMap(Map.of());

  private final Map<String, AttributeValue> entries;
  private final Map<String, AttributeValue> view;

  private AttributeMap(Map<String, AttributeValue> entries) {
    this.entries = entries;
    this.view = Collections.unmodifiableMap(entries);
  }

  /**
   * {@code filled}, held as it is: the caller hands it over, and neither keeps it nor changes it
   * afterwards.
   */
  public static Map<String, AttributeValue> adopt(Map<String, AttributeValue> filled) {
    if (filled instanceof AttributeMap held) {
      return held;
    }
    return filled.isEmpty() ? EMPTY : new AttributeMap(filled);
  }

  /** {@code attributes} as a change holds them: itself if already held so, else a copy. */
  public static Map<String, AttributeValue> of(Map<String, AttributeValue> attributes) {
    if (attributes instanceof AttributeMap held) {
      return held;
    }
    return attributes.isEmpty() ? EMPTY : new AttributeMap(new LinkedHashMap<>(attributes));
  }

  @Override
  public int size() {
    return entries.size();
  }

  @Override
  public boolean isEmpty() {
    return entries.isEmpty();
  }

  @Override
  public boolean containsKey(Object key) {
    return entries.containsKey(key);
  }

  @Override
  public AttributeValue get(Object key) {
    return entries.get(key);
  }

  @Override
  public Set<Entry<String, AttributeValue>> entrySet() {
    return view.entrySet();
  }

  @Override
  public Set<String> keySet() {
    return view.keySet();
  }

  @Override
  public Collection<AttributeValue> values() {
    return view.values();
  }

  @Override
  public void forEach(BiConsumer<? super String, ? super AttributeValue> action) {
    entries.forEach(action);
  }
}
