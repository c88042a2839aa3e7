package io.cdcrelay.sink;

import java.util.ArrayList;
import java.util.List;

/** Column names as CrateDB's information schema writes them: {@code data['a']['b']}. */
final class ColumnPaths {

  private ColumnPaths() {}

  /** The path of a column name: {@code data['a']['b']} is {@code [data, a, b]}. */
  static List<String> parse(String columnName) {
    List<String> path = new ArrayList<>();
    int bracket = columnName.indexOf("['");
    if (bracket < 0) {
      path.add(columnName);
      return path;
    }
    path.add(columnName.substring(0, bracket));
    int i = bracket;
    while (i < columnName.length() && columnName.startsWith("['", i)) {
      StringBuilder segment = new StringBuilder();
      int j = i + 2;
      while (j < columnName.length()) {
        char c = columnName.charAt(j);
        if (c == '\'' && j + 1 < columnName.length() && columnName.charAt(j + 1) == '\'') {
          segment.append('\'');
          j += 2;
        } else if (c == '\'') {
          break;
        } else {
          segment.append(c);
          j++;
        }
      }
      path.add(segment.toString());
      i = j + 2; // past "']"
    }
    return path;
  }

  /**
   * The unambiguous name of the column at {@code path} under {@code root}, quotes inside a segment
   * doubled: {@link #parse} reads it back whatever characters the names hold.
   */
  static String format(String root, List<?> path) {
    StringBuilder name = new StringBuilder(root);
    for (Object segment : path) {
      name.append("['").append(String.valueOf(segment).replace("'", "''")).append("']");
    }
    return name.toString();
  }
}
