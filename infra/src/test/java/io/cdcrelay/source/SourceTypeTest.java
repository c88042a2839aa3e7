package io.cdcrelay.source;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SourceTypeTest {

  @Test
  void eachTypeNamesTheEventSourceOfItsRecordsInALambdaEvent() {
    assertThat(SourceType.KINESIS_DATA_STREAM.eventSource()).isEqualTo("aws:kinesis");
    assertThat(SourceType.DYNAMODB_STREAM.eventSource()).isEqualTo("aws:dynamodb");
  }
}
