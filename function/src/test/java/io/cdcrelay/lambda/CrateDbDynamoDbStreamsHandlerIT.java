package io.cdcrelay.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cdcrelay.testing.CrateDbDatabase;
import io.cdcrelay.testing.TargetDatabase;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;

/** The DynamoDB Streams handler contract against the CrateDB that {@code CRATEDB_URL} points at. */
class CrateDbDynamoDbStreamsHandlerIT extends DynamoDbStreamsHandlerContract {

  private static CrateDbDatabase crateDb;

  @BeforeAll
  static void requireCrateDb() {
    crateDb = CrateDbDatabase.require();
  }

  @Override
  TargetDatabase database() {
    return crateDb;
  }

  /**
   * CrateDB 6.4.3 refuses a JSON object key of over 50,000 characters in a parameter ("Name length
   * (60000) exceeds the maximum allowed (50000, …)"), in {@code aux} too: the item is a dead letter
   * with the refusal, and its batch is applied.
   */
  @Override
  void longAttributeNameApplied(
      Map<String, JsonNode> live, Map<String, String> deadLetters, String name, String sequence) {
    assertThat(live).isEmpty();
    assertThat(deadLetters).containsOnlyKeys(sequence);
    assertThat(deadLetters.get(sequence))
        .contains("Name length (60000) exceeds the maximum allowed (50000");
  }
}
