package io.cdcrelay.containers;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The LocalStack image the container tests run, and whether it needs an auth token. Since March
 * 2026 {@code localstack/localstack:latest} and the calendar-versioned releases ({@code 2026.03.0}
 * on) are one image that refuses to start without {@code LOCALSTACK_AUTH_TOKEN}; the releases
 * before it (4.x) are the community image, which needs none. The tests pin one of those.
 *
 * @param name the image, {@code LOCALSTACK_IMAGE} or {@link #PINNED}
 * @param authToken {@code LOCALSTACK_AUTH_TOKEN}, if set
 * @see <a href="https://java.testcontainers.org/modules/localstack/">Testcontainers: LocalStack</a>
 */
record LocalStackImage(String name, Optional<String> authToken) {

  /** A community release: DynamoDB, its Kinesis streaming destination and Kinesis, no token. */
  static final String PINNED = "localstack/localstack:4.4.0";

  /** The variable holding the auth token that newer images need. */
  static final String AUTH_TOKEN = "LOCALSTACK_AUTH_TOKEN";

  private static final Pattern CALENDAR_VERSION = Pattern.compile("\\d{4}\\.\\d{2}(\\..*)?");

  /** The image and token of this environment ({@code LOCALSTACK_IMAGE}, {@value #AUTH_TOKEN}). */
  static LocalStackImage from(Map<String, String> env) {
    String image = env.getOrDefault("LOCALSTACK_IMAGE", "");
    String token = env.getOrDefault(AUTH_TOKEN, "");
    return new LocalStackImage(
        image.isBlank() ? PINNED : image.trim(),
        token.isBlank() ? Optional.empty() : Optional.of(token.trim()));
  }

  /** Whether the image refuses to start without an auth token. */
  boolean needsAuthToken() {
    int slash = name.lastIndexOf('/');
    int colon = name.lastIndexOf(':');
    String repository = colon > slash ? name.substring(0, colon) : name;
    String tag = colon > slash ? name.substring(colon + 1) : "latest";
    return repository.endsWith("localstack-pro")
        || tag.equals("latest")
        || tag.equals("stable")
        || CALENDAR_VERSION.matcher(tag).matches();
  }

  /** Why the tests cannot run this image here, if they cannot: never the token itself. */
  Optional<String> unusable() {
    if (needsAuthToken() && authToken.isEmpty()) {
      return Optional.of(
          name
              + " needs "
              + AUTH_TOKEN
              + ", which is not set: LocalStack container tests skipped (set it, or unset"
              + " LOCALSTACK_IMAGE to run the pinned "
              + PINNED
              + ")");
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return name + authToken.map(t -> " (with " + AUTH_TOKEN + ")").orElse("");
  }
}
