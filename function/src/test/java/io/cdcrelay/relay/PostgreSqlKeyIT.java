package io.cdcrelay.relay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cdcrelay.plan.KeySchema;
import io.cdcrelay.testing.PostgresDatabase;
import io.cdcrelay.testing.TargetDatabase;

/** The key contract against PostgreSQL, whose {@code jsonb} key holds a number exactly. */
class PostgreSqlKeyIT extends KeyContract {

  @Override
  TargetDatabase database() {
    return PostgresDatabase.get();
  }

  @Override
  String numberKeyText(JsonNode stored) {
    assertThat(stored.isNumber()).as("a number key in jsonb is a JSON number: %s", stored).isTrue();
    return KeySchema.canonical(stored.decimalValue());
  }
}
