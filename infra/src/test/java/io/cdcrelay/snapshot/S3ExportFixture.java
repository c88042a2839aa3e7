package io.cdcrelay.snapshot;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A DynamoDB export to S3 in AWS's layout (DYNAMODB_JSON, gzip), written into an emulator's S3:
 * {@code PREFIX/AWSDynamoDB/EXPORT_ID/manifest-summary.json}, {@code manifest-files.json} (one JSON
 * object per line), {@code data/*.json.gz} (one {@code {"Item":…}} per line) and the empty {@code
 * _started}, as the DynamoDB Developer Guide's "DynamoDB table export output format" describes.
 */
public final class S3ExportFixture implements AutoCloseable {

  public static final String BUCKET = "relay-exports";

  private final S3Client s3;
  private final int port;

  public S3ExportFixture(int port) {
    this.port = port;
    this.s3 =
        S3Client.builder()
            .httpClient(UrlConnectionHttpClient.create())
            .region(Region.of(DynamoDbEmulator.REGION))
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(
                        DynamoDbEmulator.ACCESS_KEY, DynamoDbEmulator.SECRET_KEY)))
            .endpointOverride(URI.create("http://127.0.0.1:" + port))
            .forcePathStyle(true)
            .build();
    try {
      s3.createBucket(r -> r.bucket(BUCKET));
    } catch (software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException e) {
      // Another test of this JVM made it.
    }
  }

  /** One export written: its folder and data-file keys. */
  public record Export(String folder, List<String> dataFiles) {}

  /**
   * Writes an export of {@code table} whose data files hold {@code files} (each a list of lines:
   * items as {@link #line}, or anything else).
   */
  public Export write(
      String prefix, String exportId, String table, Instant exportTime, List<List<String>> files) {
    Map<String, byte[]> objects = objects(prefix, exportId, table, exportTime, files);
    objects.forEach(this::put);
    return export(prefix, exportId, objects);
  }

  /** The folder and data files of an export's objects, as {@link #objects} makes them. */
  public static Export export(String prefix, String exportId, Map<String, byte[]> objects) {
    String folder = prefix + "/AWSDynamoDB/" + exportId + "/";
    return new Export(
        folder, objects.keySet().stream().filter(k -> k.startsWith(folder + "data/")).toList());
  }

  /**
   * The objects of an export of {@code table} whose data files hold {@code files} (each a list of
   * lines: items as {@link #line}, or anything else), by key, the data files first, the manifests
   * last (as the export writes them).
   */
  public static Map<String, byte[]> objects(
      String prefix, String exportId, String table, Instant exportTime, List<List<String>> files) {
    Map<String, byte[]> objects = new LinkedHashMap<>();
    String folder = prefix + "/AWSDynamoDB/" + exportId + "/";
    String tableArn = "arn:aws:dynamodb:us-east-1:123456789012:table/" + table;
    StringBuilder manifestFiles = new StringBuilder();
    long total = 0;
    for (int i = 0; i < files.size(); i++) {
      String key = folder + "data/" + exportId.substring(0, 8) + "-part" + i + ".json.gz";
      byte[] data = gzip(String.join("\n", files.get(i)) + (files.get(i).isEmpty() ? "" : "\n"));
      objects.put(key, data);
      long count = files.get(i).stream().filter(l -> l.startsWith("{\"Item\":")).count();
      total += count;
      manifestFiles
          .append("{\"itemCount\":")
          .append(count)
          .append(
              ",\"md5Checksum\":\"sQMSpEILNgoQmarvDFonGQ==\",\"etag\":\"af83d6f217c19b8b0fff8023d8ca4716-1\",\"dataFileS3Key\":\"")
          .append(key)
          .append("\"}\n");
    }
    objects.put(folder + "_started", new byte[0]);
    objects.put(
        folder + "manifest-files.json", manifestFiles.toString().getBytes(StandardCharsets.UTF_8));
    String summary =
        "{\"version\":\"2020-06-30\",\"exportArn\":\""
            + tableArn
            + "/export/"
            + exportId
            + "\",\"startTime\":\""
            + exportTime.plusSeconds(3)
            + "\",\"endTime\":\""
            + exportTime.plusSeconds(300)
            + "\",\"tableArn\":\""
            + tableArn
            + "\",\"tableId\":\"12345a12-abcd-123a-ab12-1234abc12345\",\"exportTime\":\""
            + exportTime
            + "\",\"s3Bucket\":\""
            + BUCKET
            + "\",\"s3Prefix\":\""
            + prefix
            + "\",\"s3SseAlgorithm\":\"AES256\",\"s3SseKmsKeyId\":null,\"manifestFilesS3Key\":\""
            + folder
            + "manifest-files.json\",\"billedSizeBytes\":0,\"itemCount\":"
            + total
            + ",\"outputFormat\":\"DYNAMODB_JSON\",\"exportType\":\"FULL_EXPORT\"}";
    objects.put(folder + "manifest-summary.json", summary.getBytes(StandardCharsets.UTF_8));
    return objects;
  }

  /** The export lines of items split into {@code files} data files, round robin. */
  public static List<List<String>> roundRobin(List<Map<String, AttributeValue>> items, int files) {
    List<List<String>> lines = new ArrayList<>();
    for (int f = 0; f < files; f++) {
      lines.add(new ArrayList<>());
    }
    for (int i = 0; i < items.size(); i++) {
      lines.get(i % files).add(line(items.get(i)));
    }
    return lines;
  }

  /** An item as a data file's line. */
  public static String line(Map<String, AttributeValue> item) {
    return "{\"Item\":" + TestItems.dynamoDbJson(item) + "}";
  }

  /** The {@code s3://} URL of an export folder, with credentials and {@code options}. */
  public String url(String folder, String options) {
    return url(DynamoDbEmulator.ACCESS_KEY, DynamoDbEmulator.SECRET_KEY, folder, options);
  }

  /** The {@code s3://} URL of an export folder with these credentials (percent-encoded). */
  public String url(String accessKey, String secretKey, String folder, String options) {
    return "s3://"
        + URLEncoder.encode(accessKey, StandardCharsets.UTF_8)
        + ":"
        + URLEncoder.encode(secretKey, StandardCharsets.UTF_8)
        + "@"
        + BUCKET
        + "/"
        + folder
        + "?region="
        + DynamoDbEmulator.REGION
        + "&endpoint=127.0.0.1:"
        + port
        + (options.isEmpty() ? "" : "&" + options);
  }

  public void put(String key, byte[] data) {
    s3.putObject(r -> r.bucket(BUCKET).key(key), RequestBody.fromBytes(data));
  }

  public void delete(String key) {
    s3.deleteObject(r -> r.bucket(BUCKET).key(key));
  }

  public static byte[] gzip(String text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  @Override
  public void close() {
    s3.close();
  }
}
