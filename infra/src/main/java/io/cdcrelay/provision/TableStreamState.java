package io.cdcrelay.provision;

import java.util.Optional;

/**
 * A DynamoDB table's own stream as found ({@code DescribeTable}).
 *
 * @param table the table name
 * @param enabled whether the stream is on
 * @param viewType its StreamViewType while on: NEW_AND_OLD_IMAGES, NEW_IMAGE, OLD_IMAGE or
 *     KEYS_ONLY; empty while off
 * @param latestStreamArn the ARN of the table's latest stream; DynamoDB keeps it after the stream
 *     is turned off, and turning it on again makes a new stream with a new ARN
 */
public record TableStreamState(
    String table, boolean enabled, String viewType, Optional<String> latestStreamArn) {

  /** The view type {@code relay provision} enables: the function needs the new images. */
  public static final String VIEW_TYPE = "NEW_AND_OLD_IMAGES";

  /** Whether the stream is on and carries the items' new images, which the relay applies. */
  public boolean usable() {
    return enabled
        && latestStreamArn.isPresent()
        && (VIEW_TYPE.equals(viewType) || "NEW_IMAGE".equals(viewType));
  }
}
