package io.cdcrelay.change;

import java.util.Optional;

/** The kind of item modification a change record describes. */
public enum Operation {
  INSERT,
  MODIFY,
  REMOVE;

  /** The operation named by a record's {@code eventName}, if it is one of the three. */
  public static Optional<Operation> fromEventName(String eventName) {
    for (Operation operation : values()) {
      if (operation.name().equals(eventName)) {
        return Optional.of(operation);
      }
    }
    return Optional.empty();
  }
}
