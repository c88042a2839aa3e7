package io.cdcrelay.testing;

import io.cdcrelay.sink.Target;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/** A target that runs a hook before each call (to fail it, or hold it) and then makes the call. */
public final class InterceptedTarget {

  /**
   * Runs before the call of the target's method of this name, with its arguments; what it throws,
   * the call throws.
   */
  @FunctionalInterface
  public interface Before {
    void call(String method, Object[] args) throws Exception;
  }

  private InterceptedTarget() {}

  public static Target of(Target real, Before before) {
    return (Target)
        Proxy.newProxyInstance(
            Target.class.getClassLoader(),
            new Class<?>[] {Target.class},
            (proxy, method, args) -> {
              before.call(method.getName(), args);
              try {
                return method.invoke(real, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }
}
