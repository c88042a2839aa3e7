package io.cdcrelay.cli;

import picocli.CommandLine.Command;

/** {@code relay dead-letters list|replay|discard}: what the relay set aside, and what to do now. */
@Command(
    name = "dead-letters",
    mixinStandardHelpOptions = true,
    description =
        "Lists, replays or discards the dead letters of a target: records the relay set aside.",
    subcommands = {
      ListDeadLettersCommand.class,
      ReplayDeadLettersCommand.class,
      DiscardDeadLettersCommand.class
    })
final class DeadLettersCommand {}
