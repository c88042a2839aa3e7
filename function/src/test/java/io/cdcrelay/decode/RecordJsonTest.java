package io.cdcrelay.decode;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RecordJsonTest {

  @Test
  void aValueReadFromTheParserIsTheNodeTheTreeHolds() throws Exception {
    for (String value :
        new String[] {
          "1720740233012",
          "1720740233012995",
          "7",
          "-7",
          "2147483648",
          "9223372036854775808",
          "100000000000000000000000000000",
          "1.50",
          "1720740233012.9950",
          "1e30",
          "-0.0",
          "0.000",
          "\"MICROSECOND\"",
          "\"\"",
          "true",
          "false",
          "null",
          "{\"type\": \"Service\", \"principalId\": \"dynamodb.amazonaws.com\"}",
          "[1, 2.50, \"x\"]"
        }) {
      JsonNode tree =
          DynamoDbJson.parse(("{\"v\": " + value + "}").getBytes(StandardCharsets.UTF_8));
      try (JsonParser p = DynamoDbJson.parser(value.getBytes(StandardCharsets.UTF_8))) {
        p.nextToken();
        JsonNode read = RecordJson.value(p);
        assertThat(read).as(value).isEqualTo(tree.get("v"));
        assertThat(read.getNodeType()).as(value).isEqualTo(tree.get("v").getNodeType());
        assertThat(read.toString()).as(value).isEqualTo(tree.get("v").toString());
        assertThat(read.asText(null)).as(value).isEqualTo(tree.get("v").asText(null));
        assertThat(read.getClass()).as(value).isEqualTo(tree.get("v").getClass());
      }
    }
  }
}
