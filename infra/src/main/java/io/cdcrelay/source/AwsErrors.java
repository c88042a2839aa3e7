package io.cdcrelay.source;

import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * What the AWS SDK's failures mean to a user: a missing credential is one sentence with the fix,
 * not the SDK's list of every provider it tried.
 */
public final class AwsErrors {

  /** What to do about no credentials, the same for every source URL. */
  public static final String NO_CREDENTIALS =
      "no AWS credentials: put ACCESS_KEY:SECRET_KEY@ before the host of the URL, or set"
          + " AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE";

  private AwsErrors() {}

  /** Whether the SDK failed because no provider of its chain gave credentials. */
  public static boolean noCredentials(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SdkClientException
          && t.getMessage() != null
          && t.getMessage().startsWith("Unable to load credentials")) {
        return true;
      }
    }
    return false;
  }

  /** The failure's message for a user: {@link #NO_CREDENTIALS} for that case, else its own. */
  public static String describe(Throwable e) {
    return noCredentials(e) ? NO_CREDENTIALS : e.getMessage();
  }
}
