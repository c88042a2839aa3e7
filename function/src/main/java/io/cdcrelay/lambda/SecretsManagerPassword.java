package io.cdcrelay.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcrelay.sink.RefreshablePassword;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

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
  private SecretsManagerClient client;
  private String password;
  private Instant fetchedAt = Instant.MIN;

  /** The password of {@code secretArn}, read with a client built on first use. */
  public SecretsManagerPassword(String secretArn, Clock clock) {
    this(secretArn, clock, null);
  }

  /** The password of {@code secretArn}, read with {@code client} (another endpoint, say). */
  public SecretsManagerPassword(String secretArn, Clock clock, SecretsManagerClient client) {
    this.secretArn = secretArn;
    this.clock = clock;
    this.client = client;
    this.ownClient = client == null;
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
        client =
            SecretsManagerClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
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
