package io.cdcrelay.source;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
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

  /** What to check when the endpoint is no AWS service (another service's port, a web server). */
  public static final String NOT_AN_AWS_ANSWER =
      "the answer names no AWS error type, as the service would: is the URL's host and port the"
          + " endpoint of that service?";

  /**
   * What to check when the endpoint refuses the request (401, 403) without an AWS error type: an
   * emulator or a proxy in front of it that checks credentials its own way, or another service.
   */
  public static final String ACCESS_REFUSED =
      "the endpoint refused access without naming an AWS error type: are the URL's credentials"
          + " (or AWS_ACCESS_KEY_ID, AWS_PROFILE) the ones it takes, and is its host and port the"
          + " endpoint of that service?";

  /** What to check when nothing listens at the endpoint. */
  public static final String NOTHING_ANSWERS =
      "nothing answers at that address: are the URL's host and port right, and is the service (or"
          + " its emulator) running there?";

  /** What to check when the endpoint's host name is not known. */
  public static final String UNKNOWN_HOST = "the host name is not known: is the URL's host right?";

  /**
   * What to check when the host name of an AWS endpoint is not known: the URL's host ({@code aws})
   * is right, and the name is made from its region, which may be mistyped ({@code eu-centrl-1}).
   */
  public static final String UNKNOWN_AWS_HOST =
      "the host name is not known: is the region right (as in region=eu-central-1)? AWS has no"
          + " endpoint of that name";

  private AwsErrors() {}

  /**
   * What the network failure under {@code e} says about the endpoint, or {@code null}: nothing
   * listens there (connection refused), or its host name is unknown.
   */
  static String networkHint(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.ConnectException) {
        return NOTHING_ANSWERS;
      }
      if (t instanceof java.net.UnknownHostException unknown) {
        String host = String.valueOf(unknown.getMessage()).split(":", 2)[0].trim();
        return host.endsWith(".amazonaws.com") || host.endsWith(".amazonaws.com.cn")
            ? UNKNOWN_AWS_HOST
            : UNKNOWN_HOST;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }

  /**
   * Whether the failure is an HTTP error that no AWS service sent: without an error type, and
   * without a request id (CrateDB's HTTP port answers a DynamoDB request with a bare 500) or with a
   * client error status (dynalite answers a Kinesis request with a bare 404; an AWS JSON API names
   * the type of every 4xx it sends). Waiting does not make such an endpoint answer.
   */
  public static boolean notAnAwsAnswer(Throwable e) {
    return cause(e, AwsServiceException.class)
        .map(
            service -> {
              String code = errorCode(service);
              return blank(code)
                  && (blank(service.requestId())
                      || (service.statusCode() >= 400 && service.statusCode() < 500));
            })
        .orElse(false);
  }

  /** The error code AWS sent with the failure ({@code ThrottlingException}, …), or {@code null}. */
  public static String errorCode(AwsServiceException service) {
    return service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
  }

  /** Whether the failure is an HTTP 401 or 403. */
  private static boolean refused(Throwable e) {
    return cause(e, AwsServiceException.class)
        .map(service -> service.statusCode() == 401 || service.statusCode() == 403)
        .orElse(false);
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

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

  /**
   * The failure's message for a user: {@link #NO_CREDENTIALS} for that case, else its own, with
   * {@link #NOT_AN_AWS_ANSWER} when no AWS service answered, or what to check when nothing answered
   * at all.
   */
  public static String describe(Throwable e) {
    if (noCredentials(e)) {
      return NO_CREDENTIALS;
    }
    if (notAnAwsAnswer(e)) {
      return e.getMessage() + " (" + (refused(e) ? ACCESS_REFUSED : NOT_AN_AWS_ANSWER) + ")";
    }
    String hint = networkHint(e);
    if (hint == null) {
      return e.getMessage();
    }
    String message = e.getMessage();
    if (message != null && message.startsWith(SDK_UNKNOWN_HOST)) {
      // The SDK's paragraph about DNS caches, not the host it could not find.
      message = "Unable to execute HTTP request: " + unknownHost(e);
    }
    return message + " (" + hint + ")";
  }

  /** How the AWS SDK begins the message of a host name it could not resolve. */
  private static final String SDK_UNKNOWN_HOST = "Received an UnknownHostException";

  /** The message of the {@link java.net.UnknownHostException} under {@code e}: the host. */
  private static String unknownHost(Throwable e) {
    return cause(e, java.net.UnknownHostException.class).map(Throwable::getMessage).orElse("");
  }

  /** The first throwable of {@code type} in the chain of {@code e}, itself included. */
  private static <T extends Throwable> java.util.Optional<T> cause(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return java.util.Optional.of(type.cast(t));
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return java.util.Optional.empty();
  }
}
