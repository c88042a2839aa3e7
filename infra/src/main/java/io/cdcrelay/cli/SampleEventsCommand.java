package io.cdcrelay.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The {@code sample-events} command: writes the files of {@link SampleEvents} to a directory. */
@Command(
    name = "sample-events",
    mixinStandardHelpOptions = true,
    description =
        "Writes the sample Lambda Kinesis events of events/ and the DynamoDB events of"
            + " events/dynamodb-streams/ (regenerates them).")
public final class SampleEventsCommand implements Callable<Integer> {

  @Spec private CommandSpec spec;

  @Option(
      names = "--dir",
      defaultValue = "events",
      paramLabel = "DIR",
      description = "Directory to write the events to (default: ${DEFAULT-VALUE}).")
  private Path dir;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      spec.commandLine()
          .getErr()
          .println("Cannot write the events into " + dir + ": it is a file.");
      return 2;
    }
    Files.createDirectories(dir);
    for (Map.Entry<String, String> file : SampleEvents.generate().entrySet()) {
      Path path = dir.resolve(file.getKey());
      Files.writeString(path, file.getValue(), StandardCharsets.UTF_8);
      out.println(path);
    }
    Path streams = dir.resolve(DynamoDbStreamsSampleEvents.DIRECTORY);
    Files.createDirectories(streams);
    for (Map.Entry<String, String> file : DynamoDbStreamsSampleEvents.generate().entrySet()) {
      Path path = streams.resolve(file.getKey());
      Files.writeString(path, file.getValue(), StandardCharsets.UTF_8);
      out.println(path);
    }
    out.flush();
    return 0;
  }
}
