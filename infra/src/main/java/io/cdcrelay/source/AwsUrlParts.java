package io.cdcrelay.source;

import io.cdcrelay.sink.UrlQuery;
import java.net.URI;
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

  static AwsUrlParts of(URI uri) {
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
    }
    Optional<URI> endpoint =
        "aws".equals(uri.getHost())
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
