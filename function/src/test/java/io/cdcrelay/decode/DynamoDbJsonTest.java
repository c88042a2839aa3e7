package io.cdcrelay.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcrelay.change.AttributeValue;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

/** DynamoDB JSON as AWS writes it, and as people and other tools write it. */
class DynamoDbJsonTest {

  private static final ObjectMapper PLAIN = new ObjectMapper();

  private static AttributeValue read(String json) throws Exception {
    return DynamoDbJson.readValue(PLAIN.readTree(json), "x");
  }

  @Test
  void numberGivenAsJsonNumberIsANumber() throws Exception {
    assertThat(read("{\"N\": 1}")).isEqualTo(new AttributeValue.N(new BigDecimal("1")));
    assertThat(read("{\"N\": -7}")).isEqualTo(new AttributeValue.N(new BigDecimal("-7")));
  }

  @Test
  void numberSetGivenAsJsonNumbersIsANumberSet() throws Exception {
    assertThat(read("{\"NS\": [1, 2, 0.34]}"))
        .isEqualTo(
            new AttributeValue.NS(
                List.of(new BigDecimal("1"), new BigDecimal("2"), new BigDecimal("0.34"))));
    assertThat(read("{\"NS\": [\"1\", 2.5]}"))
        .isEqualTo(new AttributeValue.NS(List.of(new BigDecimal("1"), new BigDecimal("2.5"))));
  }

  @Test
  void nullStringIsNullAsTheReferenceToolReadsIt() throws Exception {
    assertThat(read("{\"S\": null}")).isEqualTo(AttributeValue.Null.INSTANCE);
  }

  @Test
  void parsedJsonNumbersKeepEveryDigit() throws Exception {
    String digits = "12345678901234567890123456789.123";
    AttributeValue value =
        DynamoDbJson.readValue(DynamoDbJson.parse(("{\"N\": " + digits + "}").getBytes()), "x");
    assertThat(value).isEqualTo(new AttributeValue.N(new BigDecimal(digits)));
    assertThat(((AttributeValue.N) value).value().toPlainString()).isEqualTo(digits);
    AttributeValue trailingZero =
        DynamoDbJson.readValue(DynamoDbJson.parse("{\"NS\": [1.50, 1e125]}".getBytes()), "x");
    assertThat(trailingZero)
        .isEqualTo(new AttributeValue.NS(List.of(new BigDecimal("1.50"), new BigDecimal("1e125"))));
  }

  @Test
  void aNumberDynamoDbCannotHoldIsRefusedBeforeAnythingPlansIt() throws Exception {
    // DynamoDB's range: 38 significant digits, magnitudes 1E-130 to below 1E+126.
    for (String fits :
        List.of(
            "9.9999999999999999999999999999999999999E+125",
            "-1E-130",
            "0E+999999999",
            "12345678901234567890123456789012345678",
            "1000000000000000000000000000000000000000000000")) {
      assertThat(read("{\"N\": \"" + fits + "\"}")).as(fits).isInstanceOf(AttributeValue.N.class);
    }
    for (String refused :
        List.of("1E+2147483647", "1E+126", "1E-131", "123456789012345678901234567890123456789")) {
      assertThatThrownBy(() -> read("{\"N\": \"" + refused + "\"}"))
          .as(refused)
          .hasMessageStartingWith("x is not a number DynamoDB holds");
      assertThatThrownBy(
              () ->
                  DynamoDbJson.readValue(
                      DynamoDbJson.parse(("{\"NS\": [1, " + refused + "]}").getBytes()), "x"))
          .as(refused)
          .hasMessageContaining("is not a number DynamoDB holds");
    }
  }

  @Test
  void anErrorNamesWhereTheBadValueIsInTheItem() throws Exception {
    String item =
        "{\"order\": {\"M\": {\"lines\": {\"L\": [{\"N\": \"1\"},"
            + " {\"M\": {\"qty\": {\"N\": \"x\"}}}]}}}}";
    assertThatThrownBy(() -> DynamoDbJson.readItem(PLAIN.readTree(item), "NewImage"))
        .hasMessage("NewImage.order.lines[1].qty is not a number: \"x\"");
    assertThatThrownBy(() -> read("{\"L\": [{\"S\": \"a\"}, {\"Q\": 1}]}"))
        .hasMessageStartingWith("x[1] has unknown DynamoDB type \"Q\"");
  }

  @Test
  void otherTypesStillHaveToBeWhatDynamoDbWrites() {
    assertThatThrownBy(() -> read("{\"N\": true}"))
        .hasMessage("x holds BOOLEAN, not a number or a string");
    assertThatThrownBy(() -> read("{\"N\": null}"))
        .hasMessage("x holds NULL, not a number or a string");
    assertThatThrownBy(() -> read("{\"SS\": [\"a\", null]}"))
        .hasMessage("x holds NULL, not a string");
    assertThatThrownBy(() -> read("{\"B\": 1}")).hasMessage("x holds NUMBER, not a string");
  }

  @Test
  void nullIsWrittenAsDynamoDbWritesIt() throws Exception {
    java.io.StringWriter text = new java.io.StringWriter();
    try (com.fasterxml.jackson.core.JsonGenerator out =
        new com.fasterxml.jackson.core.JsonFactory().createGenerator(text)) {
      DynamoDbJson.write(out, io.cdcrelay.change.AttributeValue.Null.INSTANCE);
    }
    assertThat(text.toString()).isEqualTo("{\"NULL\":true}");
  }

  private static String written(AttributeValue value) throws Exception {
    java.io.StringWriter text = new java.io.StringWriter();
    try (com.fasterxml.jackson.core.JsonGenerator out =
        new com.fasterxml.jackson.core.JsonFactory().createGenerator(text)) {
      DynamoDbJson.write(out, value);
    }
    return text.toString();
  }

  @Test
  void everyTypeIsWrittenAsDynamoDbWritesItAndReadBackTheSame() throws Exception {
    // What aux and dead letters hold: the text DynamoDB's own JSON has, read back unchanged.
    String json =
        "{\"M\":{\"s\":{\"S\":\"text\"},\"n\":{\"N\":\"12345678901234567890.5\"},"
            + "\"b\":{\"B\":\"AAEC\"},\"t\":{\"BOOL\":true},\"f\":{\"BOOL\":false},"
            + "\"z\":{\"NULL\":true},"
            + "\"l\":{\"L\":[{\"S\":\"a\"},{\"N\":\"1\"},{\"BOOL\":false},{\"L\":[]}]},"
            + "\"ss\":{\"SS\":[\"x\",\"y\"]},\"ns\":{\"NS\":[\"1\",\"2.5\"]},"
            + "\"bs\":{\"BS\":[\"AA==\",\"AQ==\"]},\"m\":{\"M\":{}}}}";
    AttributeValue value = read(json);

    assertThat(written(value)).isEqualTo(json);
    assertThat(read(written(value))).isEqualTo(value);
  }
}
