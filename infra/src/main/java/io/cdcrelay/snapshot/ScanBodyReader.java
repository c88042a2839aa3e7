package io.cdcrelay.snapshot;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.cdcrelay.change.AttributeMap;
import io.cdcrelay.change.AttributeValue;
import io.cdcrelay.decode.DynamoDbJson;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32;
import software.amazon.awssdk.core.exception.Crc32MismatchException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * Reads the items of a successful Scan response straight from its body into the change model, for
 * the requests that carry a {@link #PAGE}: the SDK's own unmarshalling into its attribute values,
 * then the copy into the model's, took most of a load's reading threads' time (about 8 µs an item).
 * The body is checked against DynamoDB's {@code x-amz-crc32} as the SDK checks it, and the SDK is
 * then handed an empty response to unmarshal. Error responses, compressed ones and requests without
 * a {@link #PAGE} go to the SDK untouched.
 */
final class ScanBodyReader implements ExecutionInterceptor {

  /** Where a request wants its page read to; it stays empty when the SDK reads the response. */
  static final ExecutionAttribute<Page> PAGE = new ExecutionAttribute<>("cdc-relay.scan-page");

  private static final String CRC32_HEADER = "x-amz-crc32";
  private static final byte[] READ = "{}".getBytes(StandardCharsets.US_ASCII);

  /** A Scan page read from the body: its items, its {@code LastEvaluatedKey}, its capacity. */
  static final class Page {
    private boolean read;
    private List<Map<String, AttributeValue>> items = List.of();
    private Map<String, AttributeValue> lastKey = Map.of();
    private double consumedCapacity;
    private long bytes;

    /** Whether the body was read here (else the SDK's response holds the page). */
    boolean read() {
      return read;
    }

    List<Map<String, AttributeValue>> items() {
      return items;
    }

    Map<String, AttributeValue> lastKey() {
      return lastKey;
    }

    double consumedCapacity() {
      return consumedCapacity;
    }

    /** The response body's length. */
    long bytes() {
      return bytes;
    }
  }

  @Override
  public SdkHttpResponse modifyHttpResponse(
      Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
    Page page = attributes.getAttribute(PAGE);
    SdkHttpResponse response = context.httpResponse();
    if (page == null
        || !response.isSuccessful()
        || response.firstMatchingHeader("Content-Encoding").isPresent()
        || context.responseBody().isEmpty()) {
      return response;
    }
    byte[] body;
    try (InputStream in = context.responseBody().get()) {
      body = body(in, response.firstMatchingHeader("Content-Length"));
    } catch (IOException e) {
      throw SdkClientException.create("reading a Scan response failed: " + e.getMessage(), e);
    }
    Optional<String> expected = response.firstMatchingHeader(CRC32_HEADER);
    if (expected.isPresent()) {
      CRC32 crc = new CRC32();
      crc.update(body);
      if (!expected.get().equals(Long.toString(crc.getValue()))) {
        throw Crc32MismatchException.builder()
            .message(
                "the Scan response's checksum is "
                    + crc.getValue()
                    + ", its "
                    + CRC32_HEADER
                    + " header says "
                    + expected.get())
            .build();
      }
    }
    read(body, page);
    // The SDK checks the checksum of what it is handed: the empty response has none.
    return response.toBuilder().removeHeader(CRC32_HEADER).build();
  }

  @Override
  public Optional<InputStream> modifyHttpResponseContent(
      Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
    Page page = attributes.getAttribute(PAGE);
    if (page != null && page.read) {
      return Optional.of(new ByteArrayInputStream(READ));
    }
    return context.responseBody();
  }

  /**
   * The longest {@code Content-Length} an array is made for up front: a Scan page holds at most 1
   * MB of items; a longer one, or none, is read to the body's end.
   */
  static final long MAX_SIZED_BODY = 64L << 20;

  /**
   * The body, read into an array of its {@code Content-Length} where the response gives one (read
   * to its end, the stream's buffers are copied into one at the end: twice a page's bytes).
   */
  static byte[] body(InputStream in, Optional<String> contentLength) throws IOException {
    long length;
    try {
      length = contentLength.map(Long::parseLong).orElse(-1L);
    } catch (NumberFormatException e) {
      length = -1;
    }
    if (length < 0 || length > MAX_SIZED_BODY) {
      return in.readAllBytes();
    }
    byte[] body = new byte[(int) length];
    int read = 0;
    // A loop of reads: a stream's own readNBytes may stop at its first read.
    while (read < body.length) {
      int n = in.read(body, read, body.length - read);
      if (n < 0) {
        break;
      }
      read += n;
    }
    if (read < body.length) {
      throw new IOException("the body ended after " + read + " of its " + length + " bytes");
    }
    return body;
  }

  /** Reads a Scan response's items, last key and consumed capacity; other fields are skipped. */
  static void read(byte[] body, Page page) {
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    Map<String, AttributeValue> lastKey = Map.of();
    double consumed = 0;
    try (JsonParser p = DynamoDbJson.parser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("it is not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "Items" -> {
            if (value != JsonToken.START_ARRAY) {
              throw new IllegalArgumentException("Items is not an array");
            }
            while (p.nextToken() != JsonToken.END_ARRAY) {
              // Read here and held by nothing else: handed over to the changes uncopied.
              items.add(
                  AttributeMap.adopt(DynamoDbJson.readItem(p, "Items[" + items.size() + "]")));
            }
          }
          case "LastEvaluatedKey" -> lastKey = DynamoDbJson.readItem(p, "LastEvaluatedKey");
          case "ConsumedCapacity" -> consumed = capacityUnits(p);
          default -> p.skipChildren();
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      throw SdkClientException.create("a Scan response could not be read: " + e.getMessage(), e);
    }
    page.items = items;
    page.lastKey = lastKey;
    page.consumedCapacity = consumed;
    page.bytes = body.length;
    page.read = true;
  }

  /** The {@code CapacityUnits} of a {@code ConsumedCapacity} object (0 without one). */
  private static double capacityUnits(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      p.skipChildren();
      return 0;
    }
    double units = 0;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      if (field.equals("CapacityUnits") && value.isNumeric()) {
        units = p.getDoubleValue();
      } else {
        p.skipChildren();
      }
    }
    return units;
  }
}
