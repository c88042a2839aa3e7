package io.cdcrelay.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The benchmark's one table: each figure (median of its rounds, with their spread) beside its
 * baseline and their ratio, printed as Markdown; a part that did not run says why in its row.
 */
public final class ResultTable {

  /**
   * One row.
   *
   * @param part decode, lambda or stream
   * @param name what was measured
   * @param unit the unit of value and baseline
   * @param value the figure, or empty for a skipped row
   * @param baselineName what the figure is compared with, or empty
   * @param baseline the baseline's figure, or empty
   * @param note why a row was skipped, or a remark
   */
  public record Row(
      String part,
      String name,
      String unit,
      Optional<Stats> value,
      String baselineName,
      Optional<Stats> baseline,
      String note) {}

  private static final String[] HEADER = {
    "part", "case", "figure", "unit", "spread", "baseline", "baseline figure", "ratio", "note"
  };

  private final List<Row> rows = new ArrayList<>();

  /** Adds a figure beside its baseline. */
  public void add(
      String part, String name, String unit, Stats value, String baselineName, Stats baseline) {
    rows.add(
        new Row(part, name, unit, Optional.of(value), baselineName, Optional.of(baseline), ""));
  }

  /** Adds a figure that has no baseline. */
  public void add(String part, String name, String unit, Stats value, String note) {
    rows.add(new Row(part, name, unit, Optional.of(value), "", Optional.empty(), note));
  }

  /** Adds a row for a case that did not run, saying why. */
  public void skip(String part, String name, String reason) {
    rows.add(new Row(part, name, "", Optional.empty(), "", Optional.empty(), "skipped: " + reason));
  }

  /** The rows so far. */
  public List<Row> rows() {
    return List.copyOf(rows);
  }

  /** The table as Markdown, columns padded to line up. */
  public String format() {
    List<String[]> cells = new ArrayList<>();
    cells.add(HEADER);
    for (Row row : rows) {
      cells.add(
          new String[] {
            row.part(),
            row.name(),
            row.value().map(s -> number(s.median())).orElse("—"),
            row.unit(),
            row.value().map(ResultTable::spread).orElse(""),
            row.baselineName(),
            row.baseline().map(s -> number(s.median())).orElse(""),
            row.value().isPresent() && row.baseline().isPresent()
                ? ratio(row.value().get().ratio(row.baseline().get()))
                : "",
            row.note()
          });
    }
    int[] widths = new int[HEADER.length];
    for (String[] line : cells) {
      for (int i = 0; i < line.length; i++) {
        widths[i] = Math.max(widths[i], line[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (int r = 0; r < cells.size(); r++) {
      out.append(line(cells.get(r), widths));
      if (r == 0) {
        String[] rule = new String[widths.length];
        for (int i = 0; i < widths.length; i++) {
          rule[i] = "-".repeat(Math.max(3, widths[i]));
        }
        out.append(line(rule, widths));
      }
    }
    return out.toString();
  }

  private static String line(String[] cells, int[] widths) {
    StringBuilder out = new StringBuilder("|");
    for (int i = 0; i < cells.length; i++) {
      out.append(' ').append(cells[i]).append(" ".repeat(widths[i] - cells[i].length()));
      out.append(" |");
    }
    return out.append('\n').toString();
  }

  /** A figure with thousands separators, to three significant digits below 100. */
  static String number(double value) {
    if (Math.abs(value) >= 100) {
      return String.format(Locale.ROOT, "%,d", Math.round(value));
    }
    if (Math.abs(value) >= 10) {
      return String.format(Locale.ROOT, "%.1f", value);
    }
    return String.format(Locale.ROOT, "%.2f", value);
  }

  /** The spread of the rounds: {@code ±x %} of the median (half the range), and the count. */
  static String spread(Stats stats) {
    return String.format(Locale.ROOT, "±%.0f %% (n=%d)", stats.spread() * 50, stats.rounds());
  }

  static String ratio(double ratio) {
    return String.format(Locale.ROOT, ratio >= 10 ? "%.0f×" : "%.2f×", ratio);
  }
}
