package io.cdcrelay.failed;

import io.cdcrelay.change.SourceRecord;
import java.util.List;
import java.util.Optional;

/**
 * What the stream still holds of a failed batch's range.
 *
 * @param records the records of the range the stream holds, in order
 * @param missing why, and from where to where, the stream no longer holds part of the range; empty
 *     when it holds all of it
 */
public record RangeRead(List<SourceRecord> records, Optional<String> missing) {
  public RangeRead {
    records = List.copyOf(records);
  }
}
