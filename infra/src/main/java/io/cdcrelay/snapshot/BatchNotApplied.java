package io.cdcrelay.snapshot;

import io.cdcrelay.relay.BatchResult;

/** A batch the relay core did not apply (its {@link BatchResult} failed); worth retrying. */
public final class BatchNotApplied extends RuntimeException {

  public BatchNotApplied(BatchResult result) {
    super(result.failure().orElse("the batch failed"));
  }
}
