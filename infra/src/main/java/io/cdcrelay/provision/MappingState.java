package io.cdcrelay.provision;

import java.util.List;

/**
 * An event source mapping as found.
 *
 * @param uuid the mapping's id
 * @param state Creating, Enabled, Disabled, Updating, …
 * @param settings its settings (AWS defaults where the service reported none)
 * @param functionResponseTypes its FunctionResponseTypes
 */
public record MappingState(
    String uuid, String state, MappingSettings settings, List<String> functionResponseTypes) {

  public MappingState {
    functionResponseTypes = List.copyOf(functionResponseTypes);
  }
}
