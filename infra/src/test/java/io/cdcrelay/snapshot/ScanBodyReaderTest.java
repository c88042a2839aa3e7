package io.cdcrelay.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcrelay.change.AttributeValue;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.Crc32MismatchException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.InterceptorContext;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/** A Scan response read from its body: its page, its checksum, and what it leaves to the SDK. */
class ScanBodyReaderTest {

  private static final String BODY =
      "{\"Count\":2,\"Items\":[{\"id\":{\"S\":\"a\"},\"n\":{\"N\":\"12.50\"},"
          + "\"m\":{\"M\":{\"l\":{\"L\":[{\"BOOL\":true},{\"NULL\":true}]}}}},"
          + "{\"id\":{\"S\":\"b\"},\"b\":{\"B\":\"AAH/\"},\"ns\":{\"NS\":[\"1\",\"2.5\"]}}],"
          + "\"LastEvaluatedKey\":{\"id\":{\"S\":\"b\"}},"
          + "\"ConsumedCapacity\":{\"TableName\":\"t\",\"CapacityUnits\":1.5},"
          + "\"ScannedCount\":2}";

  private final ScanBodyReader reader = new ScanBodyReader();

  @Test
  void aSuccessfulScanIsReadFromItsBodyAndTheSdkGetsAnEmptyOne() throws IOException {
    ScanBodyReader.Page page = new ScanBodyReader.Page();
    InterceptorContext context = context(200, BODY, crc(BODY));
    ExecutionAttributes attributes = attributes(page);

    SdkHttpResponse response = reader.modifyHttpResponse(context, attributes);
    InputStream content =
        reader
            .modifyHttpResponseContent(
                context.toBuilder().httpResponse(response).build(), attributes)
            .orElseThrow();

    assertThat(page.read()).isTrue();
    assertThat(page.items())
        .containsExactly(
            Map.of(
                "id", new AttributeValue.S("a"),
                "n", new AttributeValue.N(new BigDecimal("12.50")),
                "m",
                    new AttributeValue.M(
                        Map.of(
                            "l",
                            new AttributeValue.L(
                                List.of(
                                    new AttributeValue.Bool(true),
                                    AttributeValue.Null.INSTANCE))))),
            Map.of(
                "id", new AttributeValue.S("b"),
                "b", new AttributeValue.B("AAH/"),
                "ns", new AttributeValue.NS(List.of(new BigDecimal("1"), new BigDecimal("2.5")))));
    assertThat(page.lastKey()).isEqualTo(Map.of("id", new AttributeValue.S("b")));
    assertThat(page.consumedCapacity()).isEqualTo(1.5);
    assertThat(page.bytes()).isEqualTo(BODY.getBytes(StandardCharsets.UTF_8).length);
    assertThat(response.firstMatchingHeader("x-amz-crc32")).isEmpty();
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(new String(content.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("{}");
  }

  @Test
  void aBodyIsReadToItsContentLengthAndOneThatEndsShortFails() throws IOException {
    byte[] bytes = BODY.getBytes(StandardCharsets.UTF_8);
    String length = Integer.toString(bytes.length);
    assertThat(ScanBodyReader.body(new ByteArrayInputStream(bytes), Optional.of(length)))
        .isEqualTo(bytes);
    for (Optional<String> unknown :
        List.of(
            Optional.<String>empty(),
            Optional.of("many"),
            Optional.of(Long.toString(ScanBodyReader.MAX_SIZED_BODY + 1)))) {
      assertThat(ScanBodyReader.body(new ByteArrayInputStream(bytes), unknown))
          .as("read to its end")
          .isEqualTo(bytes);
    }
    InputStream slow =
        new ByteArrayInputStream(bytes) {
          @Override
          public synchronized int read(byte[] into, int offset, int count) {
            return super.read(into, offset, Math.min(count, 7));
          }
        };
    assertThat(ScanBodyReader.body(slow, Optional.of(length)))
        .as("a stream that gives a few bytes at a time")
        .isEqualTo(bytes);
    assertThatThrownBy(
            () -> ScanBodyReader.body(new ByteArrayInputStream(bytes, 0, 10), Optional.of(length)))
        .isInstanceOf(IOException.class)
        .hasMessage("the body ended after 10 of its " + length + " bytes");
  }

  @Test
  void theLastPageHasNoKeyAndAnEmptyPageNoItems() {
    ScanBodyReader.Page page = new ScanBodyReader.Page();
    String body = "{\"Count\":0,\"Items\":[],\"ScannedCount\":0}";
    reader.modifyHttpResponse(context(200, body, crc(body)), attributes(page));
    assertThat(page.read()).isTrue();
    assertThat(page.items()).isEmpty();
    assertThat(page.lastKey()).isEmpty();
    assertThat(page.consumedCapacity()).isZero();
  }

  @Test
  void aBodyThatDoesNotMatchItsChecksumFails() {
    ScanBodyReader.Page page = new ScanBodyReader.Page();
    long wrong = crc(BODY) ^ 1;
    assertThatThrownBy(() -> reader.modifyHttpResponse(context(200, BODY, wrong), attributes(page)))
        .isInstanceOf(Crc32MismatchException.class)
        .hasMessageContaining("header says " + wrong);
    assertThat(page.read()).isFalse();
  }

  @Test
  void aBodyThatIsNoScanResponseFailsNamingWhere() {
    String body = "{\"Items\":[{\"id\":{\"X\":\"a\"}}]}";
    assertThatThrownBy(
            () ->
                reader.modifyHttpResponse(
                    context(200, body, crc(body)), attributes(new ScanBodyReader.Page())))
        .isInstanceOf(SdkClientException.class)
        .hasMessageContaining("Items[0].id")
        .hasMessageContaining("\"X\"");
  }

  @Test
  void errorsAndRequestsWithoutAPageAreLeftToTheSdk() {
    String error = "{\"__type\":\"ProvisionedThroughputExceededException\",\"message\":\"slow\"}";
    ScanBodyReader.Page page = new ScanBodyReader.Page();
    InterceptorContext failed = context(400, error, crc(error));
    ExecutionAttributes attributes = attributes(page);
    assertThat(reader.modifyHttpResponse(failed, attributes)).isSameAs(failed.httpResponse());
    assertThat(reader.modifyHttpResponseContent(failed, attributes))
        .containsSame(failed.responseBody().orElseThrow());
    assertThat(page.read()).isFalse();

    InterceptorContext other = context(200, BODY, crc(BODY));
    assertThat(reader.modifyHttpResponse(other, new ExecutionAttributes()))
        .isSameAs(other.httpResponse());
    assertThat(reader.modifyHttpResponseContent(other, new ExecutionAttributes()))
        .containsSame(other.responseBody().orElseThrow());
  }

  private static ExecutionAttributes attributes(ScanBodyReader.Page page) {
    ExecutionAttributes attributes = new ExecutionAttributes();
    attributes.putAttribute(ScanBodyReader.PAGE, page);
    return attributes;
  }

  private static long crc(String body) {
    CRC32 crc = new CRC32();
    crc.update(body.getBytes(StandardCharsets.UTF_8));
    return crc.getValue();
  }

  private static InterceptorContext context(int status, String body, long crc) {
    return InterceptorContext.builder()
        .request(ScanRequest.builder().tableName("t").build())
        .httpRequest(
            SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.POST)
                .protocol("http")
                .host("127.0.0.1")
                .build())
        .httpResponse(
            SdkHttpResponse.builder()
                .statusCode(status)
                .putHeader("x-amz-crc32", Long.toString(crc))
                .build())
        .responseBody(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)))
        .build();
  }
}
