package io.cdcrelay.route;

import java.util.Objects;

/** Where the changes of one DynamoDB table go. */
public sealed interface Route {

  /**
   * Into a target table.
   *
   * @param schema the target schema, or {@code null} for the database's default
   * @param table the target table
   * @param checkBinding whether the target must be bound to the source table in the state schema (a
   *     single-table URL without {@code CRATEDB_SOURCE_TABLE}; any name derived from the source)
   */
  record To(String schema, String table, boolean checkBinding) implements Route {
    public To {
      Objects.requireNonNull(table, "table");
    }

    /** {@code schema.table}, or just the table when the schema is the database's default. */
    public String display() {
      return schema == null ? table : schema + "." + table;
    }
  }

  /** Not relayed: the table is not in the include list. Counted, not dead-lettered. */
  record Skip() implements Route {}

  /** No destination: the change is a dead letter (stage {@code route}) with this reason. */
  record Refuse(String reason) implements Route {
    public Refuse {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
