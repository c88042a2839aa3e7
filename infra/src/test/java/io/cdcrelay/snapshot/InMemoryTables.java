package io.cdcrelay.snapshot;

import io.cdcrelay.plan.KeySchema;
import java.util.List;
import java.util.Optional;

/** What the tests' in-memory sources share: the description of a table keyed by a string id. */
final class InMemoryTables {

  private InMemoryTables() {}

  /** A table of {@code items} items keyed by the string attribute {@code id}. */
  static TableDescription keyedById(String name, long items) {
    return new TableDescription(
        name,
        "arn:aws:dynamodb:us-east-1:123456789012:table/" + name,
        List.of(new KeySchema.KeyColumn("id", KeySchema.KeyType.S)),
        items,
        0,
        Optional.empty());
  }
}
