package io.cdcrelay.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class VerifyReportTest {

  private static VerifyReport report(
      List<String> missing, VerifyReport.Unchecked unchecked, long repaired) {
    return new VerifyReport(
        "Items",
        "doc.items",
        10,
        8,
        7,
        0,
        0,
        missing,
        List.of(),
        List.of(),
        0,
        repaired,
        repaired > 0 ? 1 : 0,
        0,
        2,
        unchecked,
        3,
        List.of());
  }

  @Test
  void rowsOfAKeyNoItemCanHaveAreExtraAndSaidToBeLeftByTheRepair() {
    VerifyReport report =
        new VerifyReport(
            "Items",
            "doc.items",
            2,
            4,
            2,
            0,
            0,
            List.of(),
            List.of("{\"id\":\"09\"}", "{\"id\":\"abc\"}"),
            List.of(),
            0,
            0,
            2,
            2,
            5,
            VerifyReport.Unchecked.NONE,
            3,
            List.of());

    assertThat(report.isEqual()).isFalse();
    assertThat(report.text())
        .contains("extra: 2 (first: {\"id\":\"09\"}, {\"id\":\"abc\"})")
        .contains("  of the extra, 2 with a key the relay never writes")
        .contains("  not repaired: 2 (the rows of a key no item can have, above)");
  }

  @Test
  void anUnfinishedLoadIsNamedWhenItemsAreMissingAndNotWhenTheTablesAgree() {
    List<String> loads = List.of("of arn:aws:dynamodb:r:1:table/Items into doc.items (1 of 2 …)");
    VerifyReport missing =
        new VerifyReport(
            "Items",
            "doc.items",
            3,
            1,
            1,
            0,
            0,
            List.of("{\"id\":\"a\"}", "{\"id\":\"b\"}"),
            List.of(),
            List.of(),
            0,
            0,
            0,
            0,
            5,
            VerifyReport.Unchecked.NONE,
            3,
            loads);
    VerifyReport equal =
        new VerifyReport(
            "Items",
            "doc.items",
            1,
            1,
            1,
            0,
            0,
            List.of(),
            List.of(),
            List.of(),
            0,
            0,
            0,
            0,
            5,
            VerifyReport.Unchecked.NONE,
            3,
            loads);

    assertThat(missing.text())
        .endsWith(
            "  the load of arn:aws:dynamodb:r:1:table/Items into doc.items (1 of 2 …) is not"
                + " complete: the items it has not reached yet are missing; run it again to finish"
                + " it");
    assertThat(equal.text()).doesNotContain("is not complete");
  }

  @Test
  void keysGoneFromBothSidesDuringTheRunAreCountedSoTheCountsAddUp() {
    VerifyReport report =
        new VerifyReport(
            "Items",
            "doc.items",
            10,
            10,
            8,
            1,
            2,
            List.of(),
            List.of(),
            List.of(),
            0,
            0,
            0,
            0,
            3,
            VerifyReport.Unchecked.NONE,
            3,
            List.of());

    assertThat(report.isEqual()).isTrue();
    assertThat(report.text())
        .isEqualTo(
            String.join(
                System.lineSeparator(),
                "verified Items against doc.items: 10 items, 10 rows: EQUAL",
                "  equal: 8 (1 of them equal when read again: changed while verify ran, or a set in"
                    + " another order)",
                "  missing: 0",
                "  extra: 0",
                "  different: 0",
                "  gone from both sides while verify ran: 2 (read as a difference, then neither"
                    + " item nor row was there)"));
  }

  @Test
  void differencesBeyondTheLimitCountWithTheirKindAndMakeTheTablesDifferent() {
    VerifyReport report =
        report(
            List.of("{\"id\":\"a\"}", "{\"id\":\"b\"}", "{\"id\":\"c\"}"),
            new VerifyReport.Unchecked(4, 1, 2),
            0);

    assertThat(report.isEqual()).isFalse();
    assertThat(report.text())
        .contains("missing: 7 (first: {\"id\":\"a\"}, {\"id\":\"b\"}, …)")
        .contains("extra: 1\n")
        .contains("different: 2\n")
        .contains(
            "more than 3 differences (--recheck-limit): 7 of them are counted as the scan found"
                + " them, not read again")
        .doesNotContain("repair");
  }

  @Test
  void keysListedWholeButCountedBeyondTheLimitStillEndInAnEllipsis() {
    // One key listed, within --show 2; four more only counted: the list is not all of them.
    VerifyReport report = report(List.of("{\"id\":\"a\"}"), new VerifyReport.Unchecked(4, 0, 0), 0);

    assertThat(report.text()).contains("missing: 5 (first: {\"id\":\"a\"}, …)");
    assertThat(report(List.of("{\"id\":\"a\"}"), new VerifyReport.Unchecked(0, 0, 0), 0).text())
        .contains("missing: 1 (first: {\"id\":\"a\"})");
  }

  @Test
  void onlyUncheckedDifferencesStillMakeTheTablesDifferentAndARepairSaysToRunAgain() {
    VerifyReport report = report(List.of(), new VerifyReport.Unchecked(0, 5, 0), 3);

    assertThat(report.isEqual()).isFalse();
    assertThat(report.text())
        .contains("10 items, 8 rows before the repair: DIFFERENT after repairing 3\n")
        .contains("extra: 5")
        .contains("nor repaired: run verify --repair again")
        .contains("repaired: 3 (the counts above are after the repair: a repaired item is equal)")
        .contains("not repaired: 1 (still different when read again: a row whose version is newer");
  }

  @Test
  void withNoDifferenceTheTablesAreEqual() {
    VerifyReport report = report(List.of(), VerifyReport.Unchecked.NONE, 0);
    assertThat(report.isEqual()).isTrue();
    assertThat(report.text())
        .contains("10 items, 8 rows: EQUAL\n")
        .doesNotContain("--recheck-limit")
        .doesNotContain("repair");
  }

  @Test
  void numberKeysArePrintedAsTheTableStoresThemNotInExponentForm() {
    VerifyReport report =
        report(
            List.of("{\"id\":\"o-10\",\"ts\":1E+1}", "{\"id\":\"o\",\"ts\":1.5E-7}"),
            VerifyReport.Unchecked.NONE,
            0);
    assertThat(report.text())
        .contains(
            "missing: 2 (first: {\"id\":\"o-10\",\"ts\":10}, {\"id\":\"o\",\"ts\":0.00000015})");
    assertThat(PlainItems.displayKey("{\"n\":12345678901234567890123456789012345678}"))
        .isEqualTo("{\"n\":12345678901234567890123456789012345678}");
  }
}
