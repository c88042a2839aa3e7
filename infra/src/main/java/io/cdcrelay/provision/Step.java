package io.cdcrelay.provision;

/**
 * One resource of a plan and what happens to it.
 *
 * @param resource the kind of resource
 * @param action what provisioning or teardown does to it
 * @param name the resource, as a person recognises it
 * @param detail the settings, the differences, or why nothing happens
 * @param target what the AWS calls of the step name: the table of a streaming destination, the
 *     {@code name} of any other step
 */
public record Step(Resource resource, Action action, String name, String detail, String target) {

  /** A step whose AWS calls name the resource as the plan does. */
  public Step(Resource resource, Action action, String name, String detail) {
    this(resource, action, name, detail, name);
  }

  /** The resources the relay provisions. */
  public enum Resource {
    STREAM("stream"),
    FUNCTION_ENVIRONMENT("function environment"),
    EVENT_SOURCE_MAPPING("event source mapping"),
    STREAMING_DESTINATION("streaming destination"),
    TABLE_STREAM("table stream");

    private final String label;

    Resource(String label) {
      this.label = label;
    }

    /** How plans name it. */
    public String label() {
      return label;
    }
  }

  /** What happens to a resource. */
  public enum Action {
    CREATE("create", "created"),
    UPDATE("update", "updated"),
    DELETE("delete", "deleted"),
    ALREADY_PRESENT("already present", "already present"),
    ABSENT("absent", "absent"),
    KEEP("keep", "kept");

    private final String planned;
    private final String done;

    Action(String planned, String done) {
      this.planned = planned;
      this.done = done;
    }

    /** How a plan says it. */
    public String planned() {
      return planned;
    }

    /** How a report says it once done. */
    public String done() {
      return done;
    }

    /** Whether it calls a mutating API. */
    public boolean changes() {
      return this == CREATE || this == UPDATE || this == DELETE;
    }
  }

  /** The plan's line for this step. */
  public String render(boolean done) {
    return String.format(
        "%-22s %-16s %s%s",
        resource.label(),
        done ? action.done() : action.planned(),
        name,
        detail.isEmpty() ? "" : ": " + detail);
  }
}
