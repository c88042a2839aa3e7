package io.cdcrelay.sink;

import java.util.function.Supplier;

/**
 * A password source that caches what it read (a Secrets Manager secret, say) and can read it afresh
 * at once: after a rotation, a login refused with the cached password is tried again once with the
 * fresh one ({@link JdbcConnections#open}).
 */
public interface RefreshablePassword extends Supplier<String> {

  /** The password read afresh, not from the cache; the cache then holds it. */
  String refresh();
}
