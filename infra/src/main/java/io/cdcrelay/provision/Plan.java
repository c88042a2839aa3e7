package io.cdcrelay.provision;

import java.util.List;
import java.util.Optional;

/**
 * The steps of a provisioning or teardown, in the order they run.
 *
 * @param steps the steps
 * @param environment the function's variables that its {@link Step.Resource#FUNCTION_ENVIRONMENT}
 *     step brings about, when a function was named
 */
public record Plan(List<Step> steps, Optional<FunctionEnvironment> environment) {

  public Plan {
    steps = List.copyOf(steps);
  }

  /** Whether running the plan changes anything. */
  public boolean changes() {
    return steps.stream().anyMatch(s -> s.action().changes());
  }

  /** The plan, one line per step. */
  public String render() {
    StringBuilder text = new StringBuilder();
    for (Step step : steps) {
      text.append(step.render(false)).append('\n');
    }
    return text.toString();
  }
}
