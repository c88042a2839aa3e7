package io.cdcrelay.provision;

import java.util.List;

/**
 * The steps of a provisioning or teardown, in the order they run.
 *
 * @param steps the steps
 */
public record Plan(List<Step> steps) {

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
