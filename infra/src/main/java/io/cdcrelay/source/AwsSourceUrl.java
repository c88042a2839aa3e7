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

  /**
   * Where a missing resource was looked for: {@link #where()}, and the region beside a custom
   * endpoint too ({@code at http://HOST:PORT, region REGION}), as emulators keep each region's
   * streams and tables apart: a region left to its default is the usual reason a stream an emulator
   * holds "does not exist".
   */
  default String whereLookedFor() {
    return endpoint().isPresent() ? where() + ", region " + region() : where();
  }
}
