package io.cdcrelay.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ResultTableTest {

  @Test
  void eachFigureStandsBesideItsBaselineWithTheRatioOfTheMedians() {
    ResultTable table = new ResultTable();
    table.add(
        "decode",
        "decoder",
        "records/s",
        Stats.of(100_000, 120_000, 110_000),
        "Jackson",
        Stats.of(400_000, 440_000, 420_000));
    table.add("lambda", "peak heap", "MB", Stats.of(61.25), "at its highest");
    table.skip("stream", "reference tool", "no CrateDB (set CRATEDB_URL)");

    List<String> lines = table.format().lines().toList();
    assertThat(lines).hasSize(5);
    assertThat(lines.get(0))
        .startsWith("| part ")
        .contains("| figure ", "| baseline ", "| ratio ", "| spread ");
    assertThat(lines.get(1)).matches("\\|( -{3,} \\|)+");
    assertThat(cells(lines.get(2)))
        .containsExactly(
            "decode",
            "decoder",
            "110,000",
            "records/s",
            "±9 % (n=3)",
            "Jackson",
            "420,000",
            "0.26×",
            "");
    assertThat(cells(lines.get(3)))
        .containsExactly(
            "lambda", "peak heap", "61.3", "MB", "±0 % (n=1)", "", "", "", "at its highest");
    assertThat(cells(lines.get(4)))
        .containsExactly(
            "stream",
            "reference tool",
            "—",
            "",
            "",
            "",
            "",
            "",
            "skipped: no CrateDB (set CRATEDB_URL)");
    // Columns line up: every line has its bars at the same places.
    for (String line : lines) {
      assertThat(line.length()).isEqualTo(lines.get(0).length());
    }
  }

  @Test
  void numbersGetSeparatorsAndRatiosTwoDecimalsBelowTen() {
    assertThat(ResultTable.number(1_234_567.4)).isEqualTo("1,234,567");
    assertThat(ResultTable.number(42.25)).isEqualTo("42.3");
    assertThat(ResultTable.number(3.14159)).isEqualTo("3.14");
    assertThat(ResultTable.ratio(0.256)).isEqualTo("0.26×");
    assertThat(ResultTable.ratio(162.4)).isEqualTo("162×");
  }

  private static List<String> cells(String line) {
    String inner = line.substring(1, line.length() - 1);
    return java.util.Arrays.stream(inner.split("\\|", -1)).map(String::trim).toList();
  }
}
