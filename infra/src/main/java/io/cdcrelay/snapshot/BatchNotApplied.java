package io.cdcrelay.snapshot;

import io.cdcrelay.relay.BatchResult;

/** A batch the relay core did not apply (its {@link BatchResult} failed); worth retrying. */
public final class BatchNotApplied extends RuntimeException {

  private final boolean unreachable;

  public BatchNotApplied(BatchResult result) {
    this(result.failure().orElse("the batch failed"), result.targetUnreachable());
  }

  /**
   * @param unreachable whether the batch failed because the target database could not be reached
   */
  BatchNotApplied(String message, boolean unreachable) {
    super(message);
    this.unreachable = unreachable;
  }

  /** Whether the batch failed because the target database could not be reached. */
  public boolean unreachable() {
    return unreachable;
  }
}
