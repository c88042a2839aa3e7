package io.cdcrelay.plan;

import java.util.Locale;

/**
 * The type of one column of the target table as far as storing a value faithfully is concerned: a
 * base kind and how many arrays enclose it.
 *
 * @param base the kind of the innermost values
 * @param arrayDepth 0 for a plain column, 1 for an array, 2 for an array of arrays
 */
public record ColumnType(Base base, int arrayDepth) {

  /** The kinds of values that matter for type drift. */
  public enum Base {
    TEXT,
    DOUBLE,
    REAL,
    INTEGRAL,
    BOOLEAN,
    OBJECT,
    /**
     * A sub-column CrateDB created for a {@code null} or an empty list, typed by no value yet: only
     * a null or (as an array) an empty list fits it.
     */
    UNDEFINED,
    /** Any type this relay never writes (timestamps, geo shapes, ...): nothing fits it. */
    OTHER
  }

  /**
   * Parses a type as CrateDB's {@code information_schema.columns.data_type} reports it, such as
   * {@code bigint}, {@code double precision}, {@code text_array} or {@code array(object)}.
   */
  public static ColumnType parse(String dataType) {
    String type = dataType.trim().toLowerCase(Locale.ROOT);
    int depth = 0;
    while (true) {
      if (type.endsWith("_array")) {
        type = type.substring(0, type.length() - "_array".length());
        depth++;
      } else if (type.endsWith("[]")) {
        type = type.substring(0, type.length() - 2);
        depth++;
      } else if (type.startsWith("array(") && type.endsWith(")")) {
        type = type.substring("array(".length(), type.length() - 1);
        depth++;
      } else {
        break;
      }
    }
    int parameters = type.indexOf('(');
    if (parameters > 0) {
      type = type.substring(0, parameters).trim();
    }
    Base base =
        switch (type) {
          case "text", "varchar", "character varying", "string", "character", "char" -> Base.TEXT;
          case "double precision", "double", "float8" -> Base.DOUBLE;
          case "real", "float", "float4" -> Base.REAL;
          case "bigint", "long", "integer", "int", "int4", "int8", "smallint", "short", "byte" ->
              Base.INTEGRAL;
          case "boolean", "bool" -> Base.BOOLEAN;
          case "object" -> Base.OBJECT;
          case "undefined" -> Base.UNDEFINED;
          default -> Base.OTHER;
        };
    return new ColumnType(base, depth);
  }
}
