package io.cdcrelay.provision;

/**
 * A DynamoDB table's Kinesis streaming destination as found.
 *
 * @param streamArn the stream the table writes its changes to
 * @param status ENABLING, ACTIVE, DISABLING, DISABLED, ENABLE_FAILED or UPDATING
 * @param precision MILLISECOND or MICROSECOND (ApproximateCreationDateTimePrecision)
 */
public record DestinationState(String streamArn, String status, String precision) {

  /** The precision the relay asks for: the order of changes within a millisecond. */
  public static final String MICROSECOND = "MICROSECOND";

  /** Whether the table writes, or is about to write, to the stream. */
  public boolean enabled() {
    return "ACTIVE".equals(status) || "ENABLING".equals(status) || "UPDATING".equals(status);
  }
}
