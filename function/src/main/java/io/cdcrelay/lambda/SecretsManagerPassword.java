package io.cdcrelay.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcrelay.sink.RefreshablePassword;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClientBuilder;

/**
 * The database password from an AWS Secrets Manager secret: either the whole secret string or its
 * {@code password} field (the layout of database secrets). Fetched on first use, not at start, and
 * again after five minutes so that a rotated password is picked up; at once when the database
 * refuses the cached one ({@link #refresh}).
 */
public final class SecretsManagerPassword implements RefreshablePassword {

  private static final Duration CACHE = Duration.ofMinutes(5);

  private final String secretArn;
  private final Clock clock;
  private final boolean ownClient;
  private final UnaryOperator<SecretsManagerClientBuilder> configure;
  private SecretsManagerClient client;
  private String password;
  private Instant fetchedAt = Instant.MIN;

  /** The password of {@code secretArn}, read with a client built on first use. */
  public SecretsManagerPassword(String secretArn, Clock clock) {
    this(secretArn, clock, null, UnaryOperator.identity());
  }

  /** The password of {@code secretArn}, read with {@code client} (another endpoint, say). */
  public SecretsManagerPassword(String secretArn, Clock clock, SecretsManagerClient client) {
    this(secretArn, clock, client, UnaryOperator.identity());
  }

  /**
   * The password of {@code secretArn}, read with a client this builds on first use, in the ARN's
   * region, as {@code configure} sets it up further (another endpoint, other credentials).
   */
  SecretsManagerPassword(
      String secretArn, Clock clock, UnaryOperator<SecretsManagerClientBuilder> configure) {
    this(secretArn, clock, null, configure);
  }

  private SecretsManagerPassword(
      String secretArn,
      Clock clock,
      SecretsManagerClient client,
      UnaryOperator<SecretsManagerClientBuilder> configure) {
    this.secretArn = secretArn;
    this.clock = clock;
    this.client = client;
    this.ownClient = client == null;
    this.configure = configure;
  }

  /**
   * The region of a secret's ARN ({@code arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME}): where
   * the secret is, whatever region the process runs in; empty for a secret named by its name.
   */
  static Optional<Region> regionOf(String secretId) {
    String[] parts = secretId.split(":", 7);
    return parts.length == 7
            && parts[0].equals("arn")
            && parts[2].equals("secretsmanager")
            && !parts[3].isEmpty()
        ? Optional.of(Region.of(parts[3]))
        : Optional.empty();
  }

  /**
   * Drops the cached password, and the client this built with its connections and credentials: the
   * next {@link #get} reads the secret afresh (a SnapStart snapshot holds neither).
   */
  public synchronized void forget() {
    password = null;
    if (ownClient && client != null) {
      client.close();
      client = null;
    }
  }

  @Override
  public synchronized String get() {
    Instant now = clock.instant();
    if (password == null || fetchedAt.plus(CACHE).isBefore(now)) {
      if (client == null) {
        SecretsManagerClientBuilder builder =
            SecretsManagerClient.builder().httpClient(UrlConnectionHttpClient.create());
        // Else the default chain's region: the command-line tool's may be another one, or none.
        regionOf(secretArn).ifPresent(builder::region);
        client = configure.apply(builder).build();
      }
      String secret = client.getSecretValue(r -> r.secretId(secretArn)).secretString();
      password = passwordOf(secret);
      fetchedAt = now;
    }
    return password;
  }

  @Override
  public synchronized String refresh() {
    password = null;
    return get();
  }

  static String passwordOf(String secret) {
    if (secret != null && secret.trim().startsWith("{")) {
      try {
        JsonNode json = new ObjectMapper().readTree(secret);
        if (json.hasNonNull("password")) {
          return json.get("password").asText();
        }
      } catch (java.io.IOException e) {
        // Not JSON after all: the whole string is the password.
      }
    }
    return secret;
  }

  @Override
  public String toString() {
    return "SecretsManagerPassword[" + secretArn + "]";
  }
}
