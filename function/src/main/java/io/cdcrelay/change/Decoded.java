package io.cdcrelay.change;

import java.util.Objects;

/** What decoding one source record gave: a change, or a poison record with the reason. */
public sealed interface Decoded {

  /** The record decoding was attempted on. */
  SourceRecord source();

  /** A record that decoded into a change. */
  record Ok(Change change) implements Decoded {
    public Ok {
      Objects.requireNonNull(change, "change");
    }

    @Override
    public SourceRecord source() {
      return change.source();
    }
  }

  /** A record that cannot be a change: not JSON, not from DynamoDB, or an unknown event. */
  record Poison(SourceRecord source, String reason) implements Decoded {
    public Poison {
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(reason, "reason");
    }
  }
}
