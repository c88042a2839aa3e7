package io.cdcrelay.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.sink.Target;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;

/**
 * The SnapStart hook called as the Lambda runtime calls it (the Runtime Interface Emulator cannot
 * take or restore a snapshot).
 */
class SnapStartHookTest {

  private static final String ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db";

  private final List<String> targetCalls = new ArrayList<>();
  private final Target target = target("");
  // The connection of a second part in flight.
  private final Target second = target("second ");

  private Target target(String name) {
    return (Target)
        Proxy.newProxyInstance(
            Target.class.getClassLoader(),
            new Class<?>[] {Target.class},
            (proxy, method, args) -> {
              targetCalls.add(name + method.getName());
              return null;
            });
  }

  private final AtomicReference<String> secret = new AtomicReference<>("{\"password\":\"one\"}");
  private final List<String> reads = new ArrayList<>();
  private final SecretsManagerPassword password =
      new SecretsManagerPassword(ARN, Clock.systemUTC(), new FakeSecretsManager());

  @Test
  void beforeTheSnapshotEveryConnectionIsClosedAndThePasswordForgotten() {
    assertThat(password.get()).isEqualTo("one");
    SnapStartHook hook = new SnapStartHook(List.of(target, second), password);

    hook.beforeCheckpoint(null);

    assertThat(targetCalls).containsExactly("reset", "second reset");
    // The secret rotated while the snapshot waited: the restored function reads the new one.
    secret.set("{\"password\":\"two\"}");
    assertThat(password.get()).isEqualTo("two");
    assertThat(reads).hasSize(2);
  }

  @Test
  void afterTheRestoreNothingOpenedBeforeIsReused() {
    SnapStartHook hook = new SnapStartHook(List.of(target), password);
    hook.beforeCheckpoint(null);
    assertThat(password.get()).isEqualTo("one");

    hook.afterRestore(null);

    assertThat(targetCalls).containsExactly("reset", "reset");
    assertThat(password.get()).isEqualTo("one");
    assertThat(reads).hasSize(2);
  }

  @Test
  void withoutASecretOnlyTheConnectionIsClosed() {
    new SnapStartHook(List.of(target), () -> null).beforeCheckpoint(null);
    assertThat(targetCalls).containsExactly("reset");
  }

  private final class FakeSecretsManager implements SecretsManagerClient {
    @Override
    public GetSecretValueResponse getSecretValue(GetSecretValueRequest request) {
      reads.add(request.secretId());
      return GetSecretValueResponse.builder().secretString(secret.get()).build();
    }

    @Override
    public String serviceName() {
      return "secretsmanager";
    }

    @Override
    public void close() {}
  }
}
