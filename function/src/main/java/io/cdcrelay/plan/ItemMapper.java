package io.cdcrelay.plan;

import io.cdcrelay.change.AttributeValue;
import io.cdcrelay.decode.DynamoDbJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * Maps a DynamoDB item onto the {@code data} and {@code aux} columns.
 *
 * <p>{@code data} gets the reference tool's plain JSON (S as text, N as double, B as base64 text, M
 * as object, L and sets as arrays). Every attribute that {@code data} cannot hold faithfully goes
 * to {@code aux} instead, in DynamoDB JSON, so that each item can be rebuilt exactly from its row:
 * lists mixing types, numbers a double cannot hold, names CrateDB rejects (dots, brackets), text
 * too long for CrateDB to index, values that disagree with the type CrateDB already fixed for that
 * sub-column, and new sub-columns past the table's column limit.
 */
public final class ItemMapper {

  /**
   * The longest text CrateDB indexes: Lucene's term limit. A longer value in a dynamic column fails
   * its row ("Document contains at least one immense term").
   */
  public static final int CRATEDB_MAX_TEXT_BYTES = 32766;

  private static final String EMPTY_OBJECT = "{}";

  private final boolean strictNames;
  private final int maxTextBytes;

  /**
   * Where the target has no column types (PostgreSQL's JSONB): the shapes found to fit {@code
   * data}, which then holds any shape it can hold at all, so that a value of one of them is not
   * given its own shape again.
   */
  private final ColumnTypes untyped = ColumnTypes.empty();

  /**
   * @param strictNames whether object keys with dots or square brackets must be kept out of {@code
   *     data} (CrateDB rejects them as column names; PostgreSQL's JSONB does not)
   * @param maxTextBytes the longest text, in UTF-8 bytes, that {@code data} can hold
   */
  public ItemMapper(boolean strictNames, int maxTextBytes) {
    this.strictNames = strictNames;
    this.maxTextBytes = maxTextBytes;
  }

  /**
   * An item split into its two JSON documents.
   *
   * @param newColumns the sub-columns of {@code data} the item's data holds that the table did not
   *     have when planning began, with their planned types: they must exist before it is written
   */
  public record Mapped(
      String dataJson,
      String auxJson,
      Set<String> inAux,
      Map<List<String>, ColumnType> newColumns) {}

  /**
   * Maps the non-key attributes of {@code item}.
   *
   * @param keys the key attributes, which live in {@code pk} only
   * @param types the target's known sub-column types, extended with the columns this item creates;
   *     {@code null} where the target has no type drift
   * @param forceAux attributes to put in {@code aux} whatever they hold
   * @param allToAux put every attribute in {@code aux}
   */
  public Mapped map(
      Map<String, AttributeValue> item,
      KeySchema keys,
      ColumnTypes types,
      Set<String> forceAux,
      boolean allToAux) {
    // Most items have nothing in aux: data is written from the item itself, without the keys and
    // what went to aux.
    Map<String, AttributeValue> aux = null;
    Map<List<String>, ColumnType> newColumns = null;
    for (Map.Entry<String, AttributeValue> attribute : item.entrySet()) {
      String name = attribute.getKey();
      AttributeValue value = attribute.getValue();
      if (keys.contains(name)) {
        continue;
      }
      Map<List<String>, ColumnType> needs =
          allToAux || forceAux.contains(name) ? null : fitsData(name, value, types);
      if (needs == null) {
        aux = aux == null ? new LinkedHashMap<>() : aux;
        aux.put(name, value);
      } else if (!needs.isEmpty()) {
        newColumns = newColumns == null ? new LinkedHashMap<>() : newColumns;
        newColumns.putAll(needs);
      }
    }
    Map<String, AttributeValue> inAux = aux == null ? Map.of() : aux;
    return new Mapped(
        Json.text(
            out -> writeObject(out, item, name -> keys.contains(name) || inAux.containsKey(name))),
        writeAux(inAux),
        inAux.isEmpty() ? Set.of() : new TreeSet<>(inAux.keySet()),
        newColumns == null ? Map.of() : newColumns);
  }

  /**
   * Whether the attribute fits {@code data}: if so, the new sub-columns it needs (created by it, or
   * by another item planned earlier with the same {@code types}), else {@code null}.
   */
  private Map<List<String>, ColumnType> fitsData(
      String name, AttributeValue value, ColumnTypes types) {
    if ((types == null ? untyped : types).fitsAsIs(name, value, maxTextBytes)) {
      // Its names were checked with the shape it has when that shape was found to fit.
      return Map.of();
    }
    if (strictNames && !hasValidNames(name, value)) {
      return null;
    }
    Shape shape = Shape.of(value, maxTextBytes);
    if (shape == null) {
      return null;
    }
    if (types == null) {
      untyped.rememberFits(name, shape);
      return Map.of();
    }
    if (types.fitsAsIs(name, shape)) {
      return Map.of();
    }
    Map<List<String>, ColumnType> needs = new LinkedHashMap<>();
    if (!fits(List.of(name), shape, 0, types, needs)) {
      return null;
    }
    if (needs.isEmpty()) {
      types.rememberFits(name, shape);
      return needs;
    }
    Map<List<String>, ColumnType> created = new LinkedHashMap<>();
    needs.forEach(
        (path, type) -> {
          if (types.get(path).isEmpty()) {
            created.put(path, type);
          }
        });
    if (!types.hasRoomFor(created.size())) {
      return null;
    }
    types.addAll(created);
    return needs;
  }

  /**
   * CrateDB column names may not contain dots or square brackets, at any depth, nor a tab, a line
   * feed or a carriage return (6.4.3: "contains illegal whitespace character"); a space may.
   */
  static boolean isValidColumnName(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '.' || c == '[' || c == ']' || c == '\t' || c == '\n' || c == '\r') {
        return false;
      }
    }
    return true;
  }

  private static boolean hasValidNames(String name, AttributeValue value) {
    if (!isValidColumnName(name)) {
      return false;
    }
    if (value instanceof AttributeValue.M m) {
      for (Map.Entry<String, AttributeValue> e : m.value().entrySet()) {
        if (!hasValidNames(e.getKey(), e.getValue())) {
          return false;
        }
      }
    } else if (value instanceof AttributeValue.L l) {
      for (AttributeValue element : l.value()) {
        if (!hasValidNames("", element)) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean fits(
      List<String> path,
      Shape shape,
      int depth,
      ColumnTypes types,
      Map<List<String>, ColumnType> created) {
    if (shape instanceof Shape.Unknown) {
      // A null fits any column; without one it waits in aux: an undefined column, as CrateDB
      // would create for it, takes no later value (ADD COLUMN cannot retype it, and a write that
      // retypes it empties the data of a row the version guard keeps), so every later value of
      // the attribute would go to aux for good.
      return known(path, types, created) != null;
    }
    if (shape instanceof Shape.Arr arr) {
      if (arr.element() instanceof Shape.Unknown) {
        // An empty list (or one of nulls): as a null, it fits an array column and waits without.
        ColumnType known = known(path, types, created);
        return known != null && known.arrayDepth() >= depth + 1;
      }
      return fits(path, arr.element(), depth + 1, types, created);
    }
    ColumnType known = known(path, types, created);
    if (shape instanceof Shape.Obj obj) {
      if (known == null) {
        created.put(path, new ColumnType(ColumnType.Base.OBJECT, depth));
      } else if (known.base() != ColumnType.Base.OBJECT || known.arrayDepth() != depth) {
        // Inside an array of objects too: CrateDB 6.4.3 types data['lines']['dims'] object and
        // refuses the whole bulk for lines: [{dims: [{…}]}] ("Cannot cast object element").
        return false;
      }
      for (Map.Entry<String, Shape> field : obj.fields().entrySet()) {
        List<String> child = new ArrayList<>(path.size() + 1);
        child.addAll(path);
        child.add(field.getKey());
        // A field's depth counts the arrays below its object only, as CrateDB reports its type
        // (data['lines']['sku'] of an array of objects is text, not text_array).
        if (!fits(List.copyOf(child), field.getValue(), 0, types, created)) {
          return false;
        }
      }
      return true;
    }
    Shape.Scalar scalar = (Shape.Scalar) shape;
    if (known == null) {
      created.put(path, new ColumnType(scalar.base(), depth));
      return true;
    }
    if (known.arrayDepth() != depth) {
      // A field of an array of objects counts the arrays below its object only, and CrateDB
      // refuses a value of another depth there as anywhere (sku text, lines: [{sku: ["b"]}]).
      return false;
    }
    return switch (known.base()) {
      case TEXT, BOOLEAN, DOUBLE -> known.base() == scalar.base();
      case REAL -> scalar.base() == ColumnType.Base.DOUBLE && scalar.floatExact();
      case INTEGRAL -> scalar.base() == ColumnType.Base.DOUBLE && scalar.integral();
      case OBJECT, UNDEFINED, OTHER -> false;
    };
  }

  /**
   * The type the column at {@code path} has or will have; one that planning added to {@code types}
   * is put in {@code created} as well, as a column the item needs created.
   */
  private static ColumnType known(
      List<String> path, ColumnTypes types, Map<List<String>, ColumnType> created) {
    ColumnType pending = created.get(path);
    if (pending != null) {
      return pending;
    }
    ColumnType known = types.get(path).orElse(null);
    if (known != null && types.isAdded(path)) {
      created.put(path, known);
    }
    return known;
  }

  private static void writeObject(StringBuilder out, Map<String, AttributeValue> fields) {
    writeObject(out, fields, name -> false);
  }

  /** The fields as a JSON object, but for those {@code left} names. */
  private static void writeObject(
      StringBuilder out, Map<String, AttributeValue> fields, Predicate<String> left) {
    out.append('{');
    boolean first = true;
    for (Map.Entry<String, AttributeValue> e : fields.entrySet()) {
      if (left.test(e.getKey())) {
        continue;
      }
      if (!first) {
        out.append(',');
      }
      first = false;
      Json.string(out, e.getKey());
      out.append(':');
      writePlain(out, e.getValue());
    }
    out.append('}');
  }

  private static void writePlain(StringBuilder out, AttributeValue value) {
    if (value instanceof AttributeValue.S s) {
      Json.string(out, s.value());
    } else if (value instanceof AttributeValue.N n) {
      // Always a double literal ("42.0"), as the reference writes it, so that CrateDB types a
      // new sub-column DOUBLE and a later fraction is never cut off by a BIGINT column.
      Json.number(out, n.value());
    } else if (value instanceof AttributeValue.B b) {
      Json.string(out, b.base64());
    } else if (value instanceof AttributeValue.Bool b) {
      out.append(b.value());
    } else if (value instanceof AttributeValue.Null) {
      out.append("null");
    } else if (value instanceof AttributeValue.M m) {
      writeObject(out, m.value());
    } else if (value instanceof AttributeValue.L l) {
      writeArray(out, l.value(), ItemMapper::writePlain);
    } else if (value instanceof AttributeValue.SS ss) {
      writeArray(out, ss.value(), Json::string);
    } else if (value instanceof AttributeValue.NS ns) {
      writeArray(out, ns.value(), Json::number);
    } else if (value instanceof AttributeValue.BS bs) {
      writeArray(out, bs.value(), Json::string);
    }
  }

  private static <T> void writeArray(
      StringBuilder out, List<T> values, BiConsumer<StringBuilder, T> element) {
    out.append('[');
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      element.accept(out, values.get(i));
    }
    out.append(']');
  }

  private static String writeAux(Map<String, AttributeValue> aux) {
    if (aux.isEmpty()) {
      // Most items: no generator to set up for an empty object.
      return EMPTY_OBJECT;
    }
    return Json.write(
        json -> {
          json.writeStartObject();
          for (Map.Entry<String, AttributeValue> e : aux.entrySet()) {
            json.writeFieldName(e.getKey());
            DynamoDbJson.write(json, e.getValue());
          }
          json.writeEndObject();
        });
  }
}
