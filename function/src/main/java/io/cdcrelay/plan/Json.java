package io.cdcrelay.plan;

import com.fasterxml.jackson.core.JsonFactory;

/** The one JSON factory of the planning code. */
final class Json {
  static final JsonFactory FACTORY = new JsonFactory();

  private Json() {}
}
