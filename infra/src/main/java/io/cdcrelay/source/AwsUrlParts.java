package io.cdcrelay.source;

import io.cdcrelay.sink.Redaction;
import io.cdcrelay.sink.UrlQuery;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.Optional;

/**
 * What every AWS source URL ({@code kinesis+dynamodb+cdc://}, {@code dynamodb+cdc://}, {@code
 * dynamodb://}) holds alike: credentials as {@code ACCESS_KEY:SECRET_KEY@}, the host {@code aws} or
 * a custom endpoint over plain HTTP (an emulator), and the query's options.
 */
record AwsUrlParts(
    Optional<String> accessKey,
    Optional<String> secretKey,
    Optional<URI> endpoint,
    Map<String, String> options) {

  /**
   * The source URL as a URI of {@code scheme}: not empty, a URL, and no {@code @} outside {@code
   * ACCESS_KEY:SECRET_KEY@}; each failure one sentence without the keys.
   *
   * @param form the URL's form, for the message of a wrong scheme
   */
  static URI uri(String url, String scheme, String form) {
    URI uri = uri(url);
    requireScheme(uri, scheme, form);
    requireWholeCredentials(url, uri);
    return uri;
  }

  /** Fails unless {@code uri} is of {@code scheme}. */
  static void requireScheme(URI uri, String scheme, String form) {
    if (!scheme.equals(uri.getScheme())) {
      throw new BadSourceUrlException(
          "the source URL scheme \""
              + (uri.getScheme() == null ? "" : uri.getScheme())
              + "\" is not "
              + form);
    }
  }

  /** The source URL as a URI: not empty and a URL; its scheme is the caller's to check. */
  static URI uri(String url) {
    if (url == null || url.isBlank()) {
      throw new BadSourceUrlException("the source URL is empty");
    }
    try {
      return new URI(url.trim());
    } catch (URISyntaxException e) {
      throw new BadSourceUrlException(
          "the source URL is not a URL: " + Redaction.url(url) + " (" + e.getReason() + ")");
    }
  }

  /**
   * Fails when an {@code @} stands outside {@code ACCESS_KEY:SECRET_KEY@}: a key with an unencoded
   * {@code /}, {@code ?}, {@code #} or {@code @} would otherwise be read partly as the host.
   */
  static void requireWholeCredentials(String url, URI uri) {
    String trimmed = url.trim();
    int authority = trimmed.indexOf("://");
    String rest = authority < 0 ? trimmed : trimmed.substring(authority + 3);
    int at = rest.lastIndexOf('@');
    String userInfo = uri.getRawUserInfo();
    if (at < 0 || userInfo != null) {
      return; // no keys, or whole ones: the parser found them before the host
    }
    String beforePath = rest.split("[/?#]", 2)[0];
    if (!beforePath.contains(":") && !beforePath.contains("@")) {
      // No key pair before the first '/', '?' or '#': the '@' stands in the path or the query
      // (an S3 prefix may hold one), not after keys.
      return;
    }
    // Whole keys (nothing in them that ends an authority), yet no user info: the host after them
    // is what the URL parser refused. It is named; the keys never are.
    if (!rest.substring(0, at).matches(".*[/?#@].*")) {
      String host = rest.substring(at + 1).split("[/?#]", 2)[0];
      throw new BadSourceUrlException(
          host.isEmpty()
              ? "the source URL has no host after ACCESS_KEY:SECRET_KEY@: use 'aws' or a custom"
                  + " endpoint such as localhost:4566"
              : "the source URL's host \""
                  + host
                  + "\" is not a host name (letters, digits, '-' and '.'), with an optional"
                  + " :PORT");
    }
    throw new BadSourceUrlException(
        "the keys before the source URL's '@' hold a character that ends a URL's host part"
            + " ('/', '?', '#' or '@'): percent-encode '/', '?', '#', '@' and '%' in the keys"
            + " (%2F, %3F, %23, %40, %25)");
  }

  /**
   * Fails unless the URL has a host: none at all, or one a URL parser (and so the AWS SDK) does not
   * take as a host name — an underscore, as docker-compose names its services — is named.
   */
  static void requireHost(URI uri) {
    if (uri.getHost() != null) {
      return;
    }
    String authority = uri.getRawAuthority();
    String host =
        authority == null ? "" : authority.substring(authority.lastIndexOf('@') + 1).split(":")[0];
    if (host.isEmpty()) {
      throw new BadSourceUrlException(
          "the source URL has no host: use 'aws' or a custom endpoint such as localhost:4566");
    }
    throw new BadSourceUrlException(
        "the source URL's host \""
            + host
            + "\" is not a host name (letters, digits, '-' and '.'; no '_', which docker-compose"
            + " service names may hold: give the container's address or a network alias)");
  }

  /** The region when neither the URL, the environment nor the profile gives one. */
  static final String DEFAULT_REGION = "us-east-1";

  private static final String REGION_NAME = "[a-z]{2}(-[a-z]+)+-\\d";

  /**
   * The region of a URL whose options are {@code given}: its {@code region} option, else, as the
   * AWS SDKs and the reference tool's boto3 find it, {@code AWS_REGION}, {@code
   * AWS_DEFAULT_REGION}, the {@code region} of the profile ({@code AWS_PROFILE}, else {@code
   * default}) in the config file ({@code AWS_CONFIG_FILE}, else {@code ~/.aws/config}); else
   * {@value #DEFAULT_REGION}. Validated, a failure naming where the value came from.
   */
  static String region(Map<String, String> given, Map<String, String> environment) {
    String from;
    String region;
    if (given.containsKey("region")) {
      from = "option region";
      region = given.get("region");
    } else if (!blank(environment.get("AWS_REGION"))) {
      from = "AWS_REGION";
      region = environment.get("AWS_REGION").trim();
    } else if (!blank(environment.get("AWS_DEFAULT_REGION"))) {
      from = "AWS_DEFAULT_REGION";
      region = environment.get("AWS_DEFAULT_REGION").trim();
    } else {
      Optional<String> profile = profileRegion(environment);
      if (profile.isEmpty()) {
        return DEFAULT_REGION;
      }
      from = "the region of the AWS profile";
      region = profile.get().trim();
    }
    if (!region.matches(REGION_NAME)) {
      throw new BadSourceUrlException(
          from + "=" + region + " is not an AWS region name such as us-east-1");
    }
    return region;
  }

  /** The {@code region} of the profile in the AWS config file, if there is one. */
  static Optional<String> profileRegion(Map<String, String> environment) {
    String profile =
        blank(environment.get("AWS_PROFILE")) ? "default" : environment.get("AWS_PROFILE").trim();
    java.nio.file.Path file =
        blank(environment.get("AWS_CONFIG_FILE"))
            ? java.nio.file.Path.of(System.getProperty("user.home"), ".aws", "config")
            : java.nio.file.Path.of(environment.get("AWS_CONFIG_FILE").trim());
    if (!java.nio.file.Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return software.amazon.awssdk.profiles.ProfileFile.builder()
          .content(file)
          .type(software.amazon.awssdk.profiles.ProfileFile.Type.CONFIGURATION)
          .build()
          .profile(profile)
          .flatMap(p -> p.property("region"));
    } catch (RuntimeException e) {
      // A config file the SDK cannot read: as if it gave no region (the SDK then fails the same).
      return Optional.empty();
    }
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }

  /**
   * Refuses a port out of range, which the AWS SDK would throw as a stack trace at its first
   * request; {@code what} names where it was written ("the source URL's port ").
   */
  static void requirePortInRange(String what, int port) {
    if (port == 0 || port > 65535) {
      throw new BadSourceUrlException(
          what + port + " is out of range (1 to 65535; without one the service's own)");
    }
  }

  static AwsUrlParts of(URI uri) {
    requirePortInRange("the source URL's port ", uri.getPort());
    Optional<String> accessKey = Optional.empty();
    Optional<String> secretKey = Optional.empty();
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null && !userInfo.isEmpty()) {
      int colon = userInfo.indexOf(':');
      if (colon < 0) {
        throw new BadSourceUrlException(
            "the source URL has an access key but no secret key: use ACCESS_KEY:SECRET_KEY@");
      }
      accessKey = Optional.of(UrlQuery.decode(userInfo.substring(0, colon)));
      secretKey = Optional.of(UrlQuery.decode(userInfo.substring(colon + 1)));
      // The AWS SDK refuses a blank key when it signs the first request.
      if (accessKey.get().isBlank() || secretKey.get().isBlank()) {
        throw new BadSourceUrlException(
            "the source URL's "
                + (accessKey.get().isBlank() ? "access key" : "secret key")
                + " is empty: give both keys as ACCESS_KEY:SECRET_KEY@ (any text for an"
                + " emulator), or neither for the default credential chain");
      }
    }
    Optional<URI> endpoint =
        "aws".equalsIgnoreCase(uri.getHost())
            ? Optional.empty()
            : Optional.of(
                URI.create(
                    "http://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())));
    Map<String, String> options;
    try {
      options = UrlQuery.parse(uri.getRawQuery());
    } catch (IllegalArgumentException e) {
      throw new BadSourceUrlException(e.getMessage());
    }
    return new AwsUrlParts(accessKey, secretKey, endpoint, options);
  }
}
