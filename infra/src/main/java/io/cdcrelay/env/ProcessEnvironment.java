package io.cdcrelay.env;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The environment the command line reads its settings from: the process's variables, and under them
 * those of the first {@code .env} file in the working directory or above it, as the reference tool
 * loads one ({@code ctk} calls python-dotenv's {@code load_dotenv}, which never overrides a
 * variable that is set). {@code RELAY_DOTENV} names another file, or {@code none} for none.
 */
public final class ProcessEnvironment {

  private static final Logger LOG = LoggerFactory.getLogger(ProcessEnvironment.class);

  /** Names the {@code .env} file to read, or {@code none}. */
  public static final String FILE_VARIABLE = "RELAY_DOTENV";

  /**
   * The AWS variables the AWS SDK reads from the process alone, and the system properties it reads
   * them from as well, so that a {@code .env} file reaches it as it reaches boto3.
   */
  static final List<Map.Entry<String, String>> AWS_PROPERTIES =
      List.of(
          Map.entry("AWS_ACCESS_KEY_ID", "aws.accessKeyId"),
          Map.entry("AWS_SECRET_ACCESS_KEY", "aws.secretAccessKey"),
          Map.entry("AWS_SESSION_TOKEN", "aws.sessionToken"),
          Map.entry("AWS_PROFILE", "aws.profile"),
          Map.entry("AWS_REGION", "aws.region"),
          Map.entry("AWS_CONFIG_FILE", "aws.configFile"),
          Map.entry("AWS_SHARED_CREDENTIALS_FILE", "aws.sharedCredentialsFile"));

  private static Map<String, String> current;

  private ProcessEnvironment() {}

  /** The process environment with its {@code .env} file's settings under it; read once. */
  public static synchronized Map<String, String> get() {
    if (current == null) {
      current = load(System.getenv(), Path.of(""));
      exportAwsSettings(current, System.getenv());
    }
    return current;
  }

  /**
   * {@code process} with the settings of the {@code .env} file {@code FILE_VARIABLE} names, else of
   * the first one in {@code directory} or above, where not set in {@code process}.
   *
   * @throws IllegalArgumentException when the file cannot be read (a line that is not a setting is
   *     skipped with a warning naming file and line, never a value)
   */
  static Map<String, String> load(Map<String, String> process, Path directory) {
    String named = process.getOrDefault(FILE_VARIABLE, "").trim();
    if (named.equalsIgnoreCase("none")) {
      return process;
    }
    Optional<Path> file = named.isEmpty() ? DotEnv.find(directory) : Optional.of(Path.of(named));
    if (file.isEmpty()) {
      return process;
    }
    Map<String, String> settings;
    try {
      settings =
          DotEnv.read(
              file.get(),
              process,
              problem -> LOG.warn("{}; skipped, as python-dotenv skips it", problem));
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read " + file.get() + " (" + FILE_VARIABLE + "): " + e.getMessage(), e);
    }
    Map<String, String> merged = new HashMap<>(settings);
    merged.putAll(process);
    long taken = settings.keySet().stream().filter(key -> !process.containsKey(key)).count();
    LOG.info(
        "read {} settings from {} ({} not set in the environment; {}=none reads none)",
        settings.size(),
        file.get().toAbsolutePath().normalize(),
        taken,
        FILE_VARIABLE);
    return Collections.unmodifiableMap(merged);
  }

  /** Sets the AWS SDK's system properties of the AWS settings that came from the file alone. */
  static void exportAwsSettings(Map<String, String> merged, Map<String, String> process) {
    for (Map.Entry<String, String> setting : AWS_PROPERTIES) {
      String value = merged.get(setting.getKey());
      if (value != null
          && !process.containsKey(setting.getKey())
          && System.getProperty(setting.getValue()) == null) {
        System.setProperty(setting.getValue(), value);
      }
    }
  }
}
