package io.cdcrelay.route;

import java.util.Locale;

/** What an expiry by DynamoDB's time to live does to the item's row. */
public enum TtlPolicy {
  /** Like any other delete. */
  SAME,
  /** The row stays as it was. */
  KEEP,
  /** The row stays as it was before the expiry, with {@code cdc_expired_at} set. */
  MARK;

  /** The lower-case name used in settings. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code same}, {@code keep} or {@code mark}. */
  public static TtlPolicy parse(String setting, String value) {
    for (TtlPolicy policy : values()) {
      if (policy.label().equals(value.trim().toLowerCase(Locale.ROOT))) {
        return policy;
      }
    }
    throw new IllegalArgumentException(setting + "=" + value + " is not one of same, keep, mark");
  }
}
