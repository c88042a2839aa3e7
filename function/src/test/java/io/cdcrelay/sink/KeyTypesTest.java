package io.cdcrelay.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.plan.KeySchema;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The DynamoDB types of a table's key attributes, recorded in the state schema's table of entries:
 * read back as written, ignored when unreadable, and recorded once by a statement CrateDB answers
 * in real time.
 */
class KeyTypesTest {

  @Test
  void recordedTypesAreReadBackAndWhatIsNotOnesIsIgnored() {
    assertThat(TableSchemas.parseKeyTypes("{\"id\":\"S\",\"ts\":\"N\"}"))
        .isEqualTo(Map.of("id", KeySchema.KeyType.S, "ts", KeySchema.KeyType.N));
    assertThat(TableSchemas.parseKeyTypes("{\"b\":\"B\"}"))
        .isEqualTo(Map.of("b", KeySchema.KeyType.B));
    assertThat(TableSchemas.parseKeyTypes(null)).isEmpty();
    assertThat(TableSchemas.parseKeyTypes(" ")).isEmpty();
    assertThat(TableSchemas.parseKeyTypes("{\"id\":\"BOOL\"}")).isEmpty();
    assertThat(TableSchemas.parseKeyTypes("not json")).isEmpty();
  }

  @Test
  void theTypesAreRecordedOnceByTheEntrysPrimaryKeyAlone() {
    StateSql state = new StateSql("relay", "TEXT", false);
    // CrateDB updates a row named by its whole primary key in real time; a condition in the WHERE
    // would make it search, and miss an entry written a moment before.
    assertThat(state.recordKeyTypes())
        .isEqualTo(
            "UPDATE \"relay\".\"cdc_relay_tables\" SET \"key_types\" = CASE WHEN \"key_types\" IS"
                + " NULL THEN ? ELSE \"key_types\" END WHERE \"target_table\" = ?");
    assertThat(state.keyTypes())
        .isEqualTo(
            "SELECT \"key_types\" FROM \"relay\".\"cdc_relay_tables\" WHERE \"target_table\" = ?");
    assertThat(state.createTables()).contains("\"key_types\" TEXT)");
  }
}
