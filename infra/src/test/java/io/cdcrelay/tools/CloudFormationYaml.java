package io.cdcrelay.tools;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a CloudFormation template in YAML, turning the short intrinsic-function tags ({@code !Ref
 * X}, {@code !GetAtt A.B}, {@code !If [...]}) into their long JSON form ({@code {"Ref": "X"}},
 * {@code {"Fn::GetAtt": ["A", "B"]}}, {@code {"Fn::If": [...]}}).
 */
public final class CloudFormationYaml {

  private static final List<String> FUNCTIONS =
      List.of(
          "Base64",
          "Cidr",
          "FindInMap",
          "GetAZs",
          "ImportValue",
          "Join",
          "Select",
          "Split",
          "Sub",
          "Transform",
          "And",
          "Equals",
          "If",
          "Not",
          "Or",
          "Length",
          "ToJsonString");

  private CloudFormationYaml() {}

  /** The template as maps, lists and scalars. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> read(Path template) throws IOException {
    try (Reader reader = Files.newBufferedReader(template, StandardCharsets.UTF_8)) {
      return (Map<String, Object>) new Yaml(new Intrinsics()).load(reader);
    }
  }

  private static final class Intrinsics extends SafeConstructor {

    Intrinsics() {
      super(new LoaderOptions());
      yamlConstructors.put(new Tag("!Ref"), new Function("Ref"));
      yamlConstructors.put(new Tag("!Condition"), new Function("Condition"));
      yamlConstructors.put(new Tag("!GetAtt"), new GetAtt());
      for (String name : FUNCTIONS) {
        yamlConstructors.put(new Tag("!" + name), new Function("Fn::" + name));
      }
    }

    private Object value(Node node) {
      if (node instanceof ScalarNode) {
        return constructScalar((ScalarNode) node);
      }
      if (node instanceof SequenceNode) {
        return constructSequence((SequenceNode) node);
      }
      return constructMapping((MappingNode) node);
    }

    private final class Function extends AbstractConstruct {
      private final String key;

      Function(String key) {
        this.key = key;
      }

      @Override
      public Object construct(Node node) {
        return Map.of(key, value(node));
      }
    }

    private final class GetAtt extends AbstractConstruct {
      @Override
      public Object construct(Node node) {
        Object value = value(node);
        if (value instanceof String) {
          String text = (String) value;
          int dot = text.indexOf('.');
          value = Arrays.asList(text.substring(0, dot), text.substring(dot + 1));
        }
        return Map.of("Fn::GetAtt", value);
      }
    }
  }
}
