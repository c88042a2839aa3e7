package io.cdcrelay.provision;

/**
 * A Kinesis stream as found.
 *
 * @param name the stream name
 * @param arn the stream ARN
 * @param status CREATING, ACTIVE, UPDATING or DELETING
 * @param openShards the number of open shards
 * @param createdByRelay whether {@code relay provision} created it (it carries {@link #TAG})
 */
public record StreamState(
    String name, String arn, String status, int openShards, boolean createdByRelay) {

  /** The tag key {@code relay provision} puts on a stream it creates; teardown looks for it. */
  public static final String TAG = "cdc-relay:created-by";

  /** The tag value. */
  public static final String TAG_VALUE = "relay provision";
}
