package io.cdcrelay.route;

import java.util.Locale;

/** What a REMOVE does to the item's row: {@code hard} removes it, {@code soft} flags it. */
public enum DeleteMode {
  /** The row leaves the table; the key and version are kept apart as a tombstone. */
  HARD,
  /** The row stays, flagged {@code cdc_deleted}; a view {@code "<table>_live"} shows live rows. */
  SOFT;

  /** The lower-case name used in settings and in the state schema. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code hard} or {@code soft}; the message names the setting and what is accepted. */
  public static DeleteMode parse(String setting, String value) {
    for (DeleteMode mode : values()) {
      if (mode.label().equals(value.trim().toLowerCase(Locale.ROOT))) {
        return mode;
      }
    }
    throw new IllegalArgumentException(setting + "=" + value + " is not one of hard, soft");
  }
}
