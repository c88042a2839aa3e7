package io.cdcrelay.lambda;

import io.cdcrelay.sink.Target;
import java.util.List;
import java.util.function.Supplier;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * The function's Lambda SnapStart hook: before the snapshot of an initialised function is taken,
 * and again after it is restored, it closes the database connections and forgets the password read
 * from Secrets Manager (and the client that read it), so that neither is in the snapshot nor shared
 * by the many environments restored from it; both are opened anew by the next batch.
 *
 * @see <a
 *     href="https://docs.aws.amazon.com/lambda/latest/dg/snapstart-runtime-hooks-java.html">SnapStart
 *     runtime hooks for Java</a>
 */
final class SnapStartHook implements Resource {

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(SnapStartHook.class);

  private final List<? extends Target> targets;
  private final Supplier<String> password;

  SnapStartHook(List<? extends Target> targets, Supplier<String> password) {
    this.targets = List.copyOf(targets);
    this.password = password;
  }

  /**
   * Registers the hook with CRaC's global context, which the Lambda runtime drives; elsewhere
   * (tests, the CLI, a JVM without CRaC) registering does nothing. The context holds its resources
   * weakly: the caller keeps the hook.
   */
  SnapStartHook register() {
    Core.getGlobalContext().register(this);
    return this;
  }

  @Override
  public void beforeCheckpoint(Context<? extends Resource> context) {
    forget("before the snapshot");
  }

  @Override
  public void afterRestore(Context<? extends Resource> context) {
    // Nothing should have been opened since the checkpoint; if something was, it is not reused.
    forget("after the restore");
  }

  private void forget(String when) {
    targets.forEach(Target::reset);
    if (password instanceof SecretsManagerPassword secret) {
      secret.forget();
    }
    LOG.info("SnapStart: database connection closed and password forgotten {}", when);
  }
}
