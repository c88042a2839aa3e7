package io.cdcrelay.provision;

import java.util.Map;

/**
 * A Lambda function as found: what its mappings invoke, the version its alias points at when it has
 * one, else {@code $LATEST}.
 *
 * @param name the function name
 * @param arn the function ARN
 * @param environment its environment variables
 * @param handler its handler ({@code Class::method}), empty when not told (a container image)
 */
public record FunctionState(
    String name, String arn, Map<String, String> environment, String handler) {

  public FunctionState {
    environment = Map.copyOf(environment);
    handler = handler == null ? "" : handler;
  }

  public FunctionState(String name, String arn, Map<String, String> environment) {
    this(name, arn, environment, "");
  }
}
