package io.cdcrelay.verify;

import io.cdcrelay.text.Count;
import java.util.List;
import java.util.Locale;

/**
 * What verify found: counts of equal, missing, extra and different items, the first keys of each,
 * and what a repair fixed.
 *
 * @param sourceTable the DynamoDB table
 * @param targetTable the target table
 * @param sourceItems items the scan read
 * @param targetRows live rows of the target table
 * @param equal items whose row holds them (also after a re-check)
 * @param rechecked differences of the first pass that a re-check found equal (changed meanwhile)
 * @param vanished differences of the first pass whose item and row a re-check found both gone
 *     (deleted meanwhile): counted among the items or rows read, and of no other kind
 * @param missing keys of items without a live row
 * @param extra keys of live rows without an item
 * @param different keys of rows that hold another value than their item
 * @param expectedExtra rows of expired items that the TTL policy keeps ({@code keep}, {@code mark})
 * @param repaired differences a repair fixed
 * @param notRepaired differences a repair wrote or removed, still different when read again, and
 *     the stray rows a repair leaves
 * @param strayKeys extra rows whose {@code pk} holds a key the relay never writes ({@code "09"},
 *     {@code "12.0"}, an attribute missing or one more; {@link TargetRows#isStrayKey}): no item can
 *     have it, and a repair, which writes by the item's key, leaves them
 * @param shown how many keys of each kind the text lists
 * @param unchecked differences beyond the recheck limit, counted by the kind the scan found and not
 *     read again
 * @param recheckLimit the most differences read again
 * @param unfinishedLoads loads into the target table that the state schema records as not complete
 *     (a load killed or failed mid-way): the items they have not reached yet are missing
 */
public record VerifyReport(
    String sourceTable,
    String targetTable,
    long sourceItems,
    long targetRows,
    long equal,
    long rechecked,
    long vanished,
    List<String> missing,
    List<String> extra,
    List<String> different,
    long expectedExtra,
    long repaired,
    long notRepaired,
    long strayKeys,
    int shown,
    Unchecked unchecked,
    int recheckLimit,
    List<String> unfinishedLoads) {

  /**
   * Differences counted, not read again: missing (an item without a row), extra (a row without an
   * item), different (a row of another value).
   */
  public record Unchecked(long missing, long extra, long different) {
    public static final Unchecked NONE = new Unchecked(0, 0, 0);

    long total() {
      return missing + extra + different;
    }
  }

  public VerifyReport {
    missing = List.copyOf(missing);
    extra = List.copyOf(extra);
    different = List.copyOf(different);
    unfinishedLoads = List.copyOf(unfinishedLoads);
  }

  /** Whether source and target agree. */
  public boolean isEqual() {
    return missing.isEmpty() && extra.isEmpty() && different.isEmpty() && unchecked.total() == 0;
  }

  /** The report as lines for a user. */
  public String text() {
    StringBuilder text = new StringBuilder();
    text.append(
        String.format(
            Locale.ROOT,
            "verified %s against %s: %s, %s%s: %s%s%n",
            sourceTable,
            targetTable,
            Count.of(sourceItems, "item"),
            Count.of(targetRows, "row"),
            repaired > 0 ? " before the repair" : "",
            isEqual() ? "EQUAL" : "DIFFERENT",
            repaired > 0 ? " after repairing " + repaired : ""));
    text.append(String.format(Locale.ROOT, "  equal: %d", equal));
    if (rechecked > 0) {
      text.append(
          String.format(
              Locale.ROOT,
              " (%d of them equal when read again: changed while verify ran, or a set in"
                  + " another order)",
              rechecked));
    }
    text.append(System.lineSeparator());
    keys(text, "missing", missing, unchecked.missing());
    keys(text, "extra", extra, unchecked.extra());
    keys(text, "different", different, unchecked.different());
    if (vanished > 0) {
      text.append(
          String.format(
              Locale.ROOT,
              "  gone from both sides while verify ran: %d (read as a difference, then neither"
                  + " item nor row was there)%n",
              vanished));
    }
    if (strayKeys > 0) {
      text.append(
          String.format(
              Locale.ROOT,
              "  of the extra, %d with a key the relay never writes (a number key as text other"
                  + " than its plain decimal, \"09\", \"12.0\", or as text on PostgreSQL; an"
                  + " attribute of the key missing, one more, or of another type): no item can have"
                  + " it, and --repair leaves them; delete them by their pk%n",
              strayKeys));
    }
    if (unchecked.total() > 0) {
      text.append(
          String.format(
              Locale.ROOT,
              "  more than %d differences (--recheck-limit): %d of them are counted as the scan"
                  + " found them, not read again%s%n",
              recheckLimit,
              unchecked.total(),
              repaired > 0 ? ", nor repaired: run verify --repair again" : ""));
    }
    if (expectedExtra > 0) {
      text.append(
          String.format(
              Locale.ROOT,
              "  expected extras (expired items the TTL policy keeps): %d%n",
              expectedExtra));
    }
    if (repaired > 0) {
      text.append(
          String.format(
              Locale.ROOT,
              "  repaired: %d (the counts above are after the repair: a repaired item is equal)%n",
              repaired));
    }
    if (notRepaired > 0) {
      text.append(
          String.format(
              Locale.ROOT,
              "  not repaired: %d (%s)%n",
              notRepaired,
              notRepaired == strayKeys
                  ? "the rows of a key no item can have, above"
                  : "still different when read again: a row whose version is newer than the"
                      + " repair's read keeps its value — a change the stream delivers later, or a"
                      + " cdc_version ahead of the clock — and the repair's write is in the log's"
                      + " repair lines"
                      + (strayKeys > 0 ? "; and the rows of a key no item can have, above" : "")));
    }
    if (!isEqual()) {
      for (String load : unfinishedLoads) {
        text.append(
            String.format(
                Locale.ROOT,
                "  the load %s is not complete: the items it has not reached yet are missing; run"
                    + " it again to finish it%n",
                load));
      }
    }
    return text.toString().stripTrailing();
  }

  /** A kind's count (its keys and those not read again) and its first keys. */
  private void keys(StringBuilder text, String kind, List<String> keys, long unchecked) {
    text.append(String.format(Locale.ROOT, "  %s: %d", kind, keys.size() + unchecked));
    if (!keys.isEmpty()) {
      text.append(" (first: ")
          .append(
              String.join(
                  ", ",
                  keys.subList(0, Math.min(shown, keys.size())).stream()
                      .map(PlainItems::displayKey)
                      .toList()))
          // More than listed: beyond --show, or counted only as the scan found them.
          .append(keys.size() > shown || unchecked > 0 ? ", …" : "")
          .append(')');
    }
    text.append(System.lineSeparator());
  }
}
