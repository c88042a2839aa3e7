package io.cdcrelay.snapshot;

import io.cdcrelay.lambda.FunctionConfig;
import io.cdcrelay.plan.KeySchema;
import io.cdcrelay.relay.RelaySettings;
import io.cdcrelay.route.Route;
import io.cdcrelay.route.TtlPolicy;
import io.cdcrelay.sink.BadTargetException;
import io.cdcrelay.sink.CrateDbSql;
import io.cdcrelay.sink.JdbcConnections;
import io.cdcrelay.sink.JdbcTarget;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.sink.TableOptions;
import io.cdcrelay.sink.TargetUnavailableException;
import io.cdcrelay.sink.TargetUrl;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The target table of a DynamoDB table, found by the relay's own routing and made ready before the
 * first item is written: created from the key schema {@code DescribeTable} gives (with the table
 * clauses, if any), bound to the DynamoDB table in the state schema, checked against the delete
 * mode and the table's primary key — so an empty table gets its target table too, and a mismatch is
 * refused before anything is written.
 */
public final class TargetTable {

  private static final Logger LOG = LoggerFactory.getLogger(TargetTable.class);

  private TargetTable() {}

  /**
   * A target table made ready, with its binding as it was then (its purge horizon, say), and
   * whether it was created then: a load resumed into a table created anew has lost its rows.
   */
  public record Prepared(TableName name, JdbcTarget.Binding binding, boolean created) {}

  /** The target table the changes of {@code dynamoDbTable} go to. */
  public static TableName route(RelaySettings settings, JdbcTarget target, String dynamoDbTable) {
    Route route = settings.routes().route(dynamoDbTable);
    if (route instanceof Route.Skip) {
      throw new BadTargetException(
          "the DynamoDB table "
              + dynamoDbTable
              + " is not among the tables to relay (CRATEDB_TABLES)");
    }
    if (route instanceof Route.Refuse refuse) {
      throw new BadTargetException(refuse.reason());
    }
    Route.To to = (Route.To) route;
    try {
      return target.table(to.schema(), to.table());
    } catch (IllegalArgumentException e) {
      throw new BadTargetException("the target table " + to.display() + ": " + e.getMessage());
    }
  }

  /**
   * Creates (with {@code clauses}), binds and checks the target table of the described DynamoDB
   * table; returns it with its binding.
   */
  public static Prepared prepare(
      RelaySettings settings,
      JdbcTarget target,
      TargetUrl url,
      Supplier<String> password,
      int socketTimeoutSeconds,
      TableDescription table,
      Optional<String> clauses) {
    TableName name = route(settings, target, table.name());
    boolean createdWithClauses =
        clauses.isPresent()
            && createWithClauses(
                target,
                url,
                password,
                socketTimeoutSeconds,
                name,
                table.keySchema(),
                clauses.get());
    // Checked before the table is bound or changed: a table of another layout or key stays as it
    // was, and unbound.
    Optional<KeySchema> existing = target.existingKeys(name, table.keySchema());
    if (existing.isPresent()) {
      checkKeys(name, existing.get(), table);
    }
    JdbcTarget.Binding binding = target.bind(name, table.name(), settings.deletes());
    if (binding.deletes() != settings.deletes()) {
      throw new BadTargetException(
          "table "
              + name
              + " is relayed with deletes="
              + binding.deletes().label()
              + "; this load is set to deletes="
              + settings.deletes().label()
              + ": set CRATEDB_DELETES="
              + binding.deletes().label());
    }
    if (binding.sourceTable() != null && !binding.sourceTable().equals(table.name())) {
      throw new BadTargetException(boundElsewhere(name, binding.sourceTable(), table.name()));
    }
    KeySchema keys =
        target.prepare(
            name, table.keySchema(), settings.ttl() == TtlPolicy.MARK, settings.deletes());
    checkKeys(name, keys, table);
    // DynamoDB's own key types, for a table that has none recorded (one of an earlier release).
    checkTypes(name, target.recordKeyTypes(name, table.keySchema()), table);
    return new Prepared(name, binding, createdWithClauses || existing.isEmpty());
  }

  /**
   * Makes the rows just written visible to queries at once (on CrateDB a {@code REFRESH}; without
   * it a count right after a load saw 141,553 of 150,000 rows), so that a query agrees with the
   * summary of {@code work} (a load, a repair); a target that does not answer then costs a warning
   * on {@code log}, not the work.
   */
  public static void refresh(
      FunctionConfig config,
      Supplier<String> password,
      Clock clock,
      TableName target,
      String work,
      Logger log) {
    try (JdbcTarget writer = config.openTarget(password, clock)) {
      writer.refresh(target);
    } catch (TargetUnavailableException | BadTargetException e) {
      log.warn("{} is complete, but {} was not refreshed: {}", work, target, e.getMessage());
    }
  }

  private static void checkKeys(TableName name, KeySchema keys, TableDescription table) {
    if (!keys.columns().stream()
        .map(KeySchema.KeyColumn::name)
        .sorted()
        .toList()
        .equals(table.keyNames().stream().sorted().toList())) {
      throw new BadTargetException(
          "the target table "
              + name
              + " has the primary key "
              + keys.columns()
              + ", the DynamoDB table "
              + table.name()
              + " has "
              + table.keys());
    }
    java.util.Map<String, KeySchema.KeyType> types = new java.util.HashMap<>();
    keys.columns().forEach(c -> types.put(c.name(), c.type()));
    checkTypes(name, types, table);
  }

  /**
   * Refuses a table whose key attributes take other DynamoDB types than the DynamoDB table's: a
   * text key column takes the one type it was first written with (S "5" and N 5 are both the text
   * 5), so a table created again with another key type needs a target table of its own.
   */
  private static void checkTypes(
      TableName name, java.util.Map<String, KeySchema.KeyType> types, TableDescription table) {
    for (KeySchema.KeyColumn described : table.keySchema().columns()) {
      KeySchema.KeyType type = types.get(described.name());
      if (type != null && type != described.type()) {
        throw new BadTargetException(
            "the target table "
                + name
                + " takes "
                + described.name()
                + " keys of type "
                + type
                + ", the DynamoDB table "
                + table.name()
                + " has "
                + described.name()
                + " of type "
                + described.type()
                + "; load it into a target table of its own (--table, CRATEDB_TABLE_MAP)");
      }
    }
  }

  /**
   * Why a target table bound to DynamoDB table {@code bound} takes no items of {@code source}: the
   * relay would set each aside as a dead letter ({@code route}).
   */
  public static String boundElsewhere(TableName name, String bound, String source) {
    return "the target table "
        + name
        + " is bound to DynamoDB table \""
        + bound
        + "\", not \""
        + source
        + "\"; give it a target table of its own: --table, CRATEDB_TABLE_MAP or a schema-only"
        + " target URL";
  }

  /** Creates the table with {@code clauses} unless it exists; whether it created it. */
  private static boolean createWithClauses(
      JdbcTarget target,
      TargetUrl url,
      Supplier<String> password,
      int socketTimeoutSeconds,
      TableName name,
      KeySchema keys,
      String clauses) {
    try (Connection c =
        JdbcConnections.open(url, password, socketTimeoutSeconds, "cdc-relay-snapshot")) {
      try (PreparedStatement exists =
          c.prepareStatement(
              "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?")) {
        exists.setString(1, name.schema());
        exists.setString(2, name.table());
        try (ResultSet rs = exists.executeQuery()) {
          if (rs.next() && rs.getLong(1) > 0) {
            LOG.info(
                "table {} exists: the table options apply only to a table the load creates", name);
            return false;
          }
        }
      }
      if (!(target.sql() instanceof CrateDbSql)) {
        throw new BadTargetException(TableOptions.onPostgreSql(clauses));
      }
      String create = target.sql().createTable(name, keys) + " " + clauses;
      LOG.info("creating table {}: {}", name, create);
      try (Statement statement = c.createStatement()) {
        statement.execute(create);
      }
      return true;
    } catch (SQLException e) {
      throw new BadTargetException(
          "creating " + name + " " + TableOptions.named(clauses) + ": " + e.getMessage());
    }
  }
}
