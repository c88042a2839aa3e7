package io.cdcrelay.source;

import java.net.URI;
import java.util.Optional;

/** A source URL read through the AWS SDK, and how messages say where its source is. */
public interface AwsSourceUrl {

  /** The custom endpoint, or empty for AWS itself. */
  Optional<URI> endpoint();

  /** The AWS region. */
  String region();

  /**
   * Where the source is read, for messages: {@code at http://HOST:PORT} for a custom endpoint, else
   * {@code in REGION}. Never the URL's keys: only the endpoint's scheme, host and port are named.
   */
  default String where() {
    return endpoint()
        .map(
            e ->
                "at "
                    + e.getScheme()
                    + "://"
                    + e.getHost()
                    + (e.getPort() < 0 ? "" : ":" + e.getPort()))
        .orElse("in " + region());
  }
}
