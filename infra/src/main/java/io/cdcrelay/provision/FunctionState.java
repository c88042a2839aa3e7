package io.cdcrelay.provision;

import java.util.Map;

/**
 * A Lambda function as found.
 *
 * @param name the function name
 * @param arn the function ARN
 * @param environment its environment variables
 */
public record FunctionState(String name, String arn, Map<String, String> environment) {

  public FunctionState {
    environment = Map.copyOf(environment);
  }
}
