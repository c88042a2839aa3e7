package io.cdcrelay.provision;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The function's environment variables that provisioning owns and the values it wants them to have:
 * an owned variable missing from {@code wanted} is removed, every other variable is left as it is.
 *
 * @param owned the variables provisioning sets or removes, in the order plans name them
 * @param wanted the values of the owned variables that should be set
 */
public record FunctionEnvironment(List<String> owned, Map<String, String> wanted) {

  /**
   * The variable naming the one DynamoDB table whose changes the function applies; it refuses the
   * changes of any other table.
   */
  public static final String SOURCE_TABLE_VARIABLE = io.cdcrelay.lambda.FunctionConfig.SOURCE_TABLE;

  public FunctionEnvironment {
    owned = List.copyOf(owned);
    if (!owned.containsAll(wanted.keySet())) {
      throw new IllegalArgumentException("wanted " + wanted.keySet() + " is not in " + owned);
    }
    wanted = Collections.unmodifiableMap(new LinkedHashMap<>(wanted));
  }

  /**
   * The step that brings {@code function}'s variables to this environment: none when no owned
   * variable is set and none is wanted, "already present" when they have the wanted values.
   */
  public Optional<Step> step(FunctionState function) {
    Map<String, String> current = current(function.environment());
    if (current.isEmpty() && wanted.isEmpty()) {
      return Optional.empty();
    }
    if (current.equals(wanted)) {
      return Optional.of(
          new Step(
              Step.Resource.FUNCTION_ENVIRONMENT,
              Step.Action.ALREADY_PRESENT,
              function.name(),
              describe(wanted)));
    }
    List<String> changes = new ArrayList<>();
    if (!wanted.isEmpty()) {
      changes.add(describe(wanted));
    }
    List<String> removed =
        current.keySet().stream().filter(name -> !wanted.containsKey(name)).toList();
    if (!removed.isEmpty()) {
      changes.add("remove " + String.join(", ", removed));
    }
    return Optional.of(
        new Step(
            Step.Resource.FUNCTION_ENVIRONMENT,
            Step.Action.UPDATE,
            function.name(),
            String.join("; ", changes)));
  }

  /** {@code variables} with the owned ones replaced by the wanted values. */
  public Map<String, String> applyTo(Map<String, String> variables) {
    Map<String, String> result = new LinkedHashMap<>(variables);
    owned.forEach(result::remove);
    result.putAll(wanted);
    return result;
  }

  /** The owned variables that are set (to a non-empty value) in {@code variables}. */
  private Map<String, String> current(Map<String, String> variables) {
    Map<String, String> current = new LinkedHashMap<>();
    for (String name : owned) {
      String value = variables.get(name);
      if (value != null && !value.isEmpty()) {
        current.put(name, value);
      }
    }
    return current;
  }

  private static String describe(Map<String, String> variables) {
    return variables.toString().replaceAll("[{}]", "");
  }
}
