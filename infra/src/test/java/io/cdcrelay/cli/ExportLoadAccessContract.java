package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.snapshot.DynamoDbEmulator;
import io.cdcrelay.snapshot.S3ExportFixture;
import io.cdcrelay.snapshot.TestItems;
import io.cdcrelay.testing.TableRows;
import io.cdcrelay.tools.MotoServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;

/**
 * The load from an export to S3 with credentials S3 refuses, on moto's S3 with its IAM checks on (a
 * moto_server of its own: every request after the test's setup is authenticated and checked against
 * the caller's IAM policies), written once and run per database: data files the credentials may not
 * read fail alone, naming the object and the permission, and the same command loads them once it is
 * granted; manifests they may not read stop the load before anything is written; an unknown access
 * key or a wrong secret key is named as such. No secret key is ever printed, no stack trace, and
 * nothing refused is retried.
 */
abstract class ExportLoadAccessContract extends DynamoDbTableTest {

  private static final String BUCKET_ARN = "arn:aws:s3:::" + S3ExportFixture.BUCKET;

  // Bounds a run if a refusal were retried; the assertions say it is not.
  private static final String GIVE_UP = "--give-up-after";

  private S3ExportFixture s3;
  private IamClient iam;
  private String exportId;
  private final Instant exportTime =
      Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MILLIS);

  /** The moto_server of this class, its IAM checks turned on and off by the tests. */
  abstract MotoServer moto();

  /** The DynamoDB emulator of a moto_server with IAM checks (the load asks it nothing). */
  static DynamoDbEmulator emulator(MotoServer moto) {
    return DynamoDbEmulator.moto(moto, "moto with IAM checks", false);
  }

  /** Each test sets up its export and IAM users with the checks off, then turns them on. */
  @BeforeEach
  void setUpUnchecked() {
    moto().authentication(false);
    s3 = new S3ExportFixture(moto().port());
    iam = moto().client(IamClient.builder(), Region.AWS_GLOBAL);
    exportId = System.currentTimeMillis() + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @AfterEach
  void close() {
    moto().authentication(false);
    s3.close();
    iam.close();
  }

  /** An IAM user with an inline policy of {@code statements}, and its new access key. */
  private AccessKey user(String name, String... statements) {
    iam.createUser(r -> r.userName(name));
    iam.putUserPolicy(
        r ->
            r.userName(name)
                .policyName(name + "-policy")
                .policyDocument(
                    "{\"Version\":\"2012-10-17\",\"Statement\":["
                        + String.join(",", statements)
                        + "]}"));
    return iam.createAccessKey(r -> r.userName(name)).accessKey();
  }

  private static String allow(String action, String... resources) {
    return "{\"Effect\":\"Allow\",\"Action\":\""
        + action
        + "\",\"Resource\":[\""
        + String.join("\",\"", resources)
        + "\"]}";
  }

  private static String object(String key) {
    return BUCKET_ARN + "/" + key;
  }

  private static void assertNothingSecret(Run run, String secretKey) {
    assertThat(run.output())
        .doesNotContain(secretKey)
        .doesNotContain(URLEncoder.encode(secretKey, StandardCharsets.UTF_8))
        .doesNotContain("Exception")
        .doesNotContain("\tat ")
        // Neither a missing permission nor wrong credentials is retried.
        .doesNotContain("retrying")
        .doesNotContain("reading it again");
  }

  @Test
  void dataFilesTheCredentialsMayNotReadFailAloneAndLoadOnceGetObjectIsGranted() throws Exception {
    List<Map<String, AttributeValue>> items = TestItems.mixed("id", "a", 30);
    S3ExportFixture.Export export =
        s3.write("p", exportId, source, exportTime, S3ExportFixture.roundRobin(items, 3));
    String readable = export.dataFiles().get(0);
    // S3's own example of a read-only policy, short of the data files but the first.
    AccessKey loader =
        user(
            "loader-" + exportId,
            allow("s3:ListBucket", BUCKET_ARN),
            allow(
                "s3:GetObject",
                object(export.folder() + "manifest-summary.json"),
                object(export.folder() + "manifest-files.json"),
                object(readable)));
    AccessKey admin = user("admin-" + exportId, allow("*", "*"));
    moto().authentication(true);
    String url =
        s3.url(
            loader.accessKeyId(),
            loader.secretAccessKey(),
            export.folder(),
            "key=id:S&batch-size=4&parallel=2");

    Run denied = run("load", url, target(), GIVE_UP, "30s");

    assertThat(denied.exitCode()).as(denied.output()).isEqualTo(1);
    for (String key : export.dataFiles().subList(1, 3)) {
      assertThat(denied.output())
          .contains(
              "s3://"
                  + S3ExportFixture.BUCKET
                  + "/"
                  + key
                  + ": failed: access denied to s3://"
                  + S3ExportFixture.BUCKET
                  + "/"
                  + key
                  + " (AccessDenied): the credentials (access key "
                  + loader.accessKeyId()
                  + ") need s3:GetObject on "
                  + object(export.folder() + "*"));
    }
    assertThat(denied.output()).contains("FAILED after 10 items, 1 of 3 files done");
    assertNothingSecret(denied, loader.secretAccessKey());
    // Only the file it could read, and it is recorded as done.
    List<Map<String, AttributeValue>> first = new ArrayList<>();
    for (int i = 0; i < items.size(); i += 3) {
      first.add(items.get(i));
    }
    assertLoaded(first, "id");
    assertThat(cursors()).containsEntry(0, 10L).containsEntry(1, 0L).containsEntry(2, 0L);

    // What the message asks for, granted by an administrator (whose requests are checked too).
    try (IamClient asAdmin =
        IamClient.builder()
            .endpointOverride(moto().endpoint())
            .region(Region.AWS_GLOBAL)
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(admin.accessKeyId(), admin.secretAccessKey())))
            .httpClient(UrlConnectionHttpClient.create())
            .build()) {
      asAdmin.putUserPolicy(
          r ->
              r.userName(loader.userName())
                  .policyName("export-read")
                  .policyDocument(
                      "{\"Version\":\"2012-10-17\",\"Statement\":["
                          + allow("s3:GetObject", object(export.folder() + "*"))
                          + "]}"));
    }

    Run resumed = run("load", url, target());

    assertThat(resumed.exitCode()).as(resumed.output()).isZero();
    assertThat(resumed.output())
        .contains("resuming the load of s3://")
        .contains(": 30 items from 3 files")
        .contains("20 items in this run");
    assertNothingSecret(resumed, loader.secretAccessKey());
    assertLoaded(items, "id");
  }

  @Test
  void manifestsTheCredentialsMayNotReadStopTheLoadBeforeAnythingIsWritten() throws Exception {
    List<Map<String, AttributeValue>> items = TestItems.mixed("id", "m", 4);
    S3ExportFixture.Export export =
        s3.write("p", exportId, source, exportTime, S3ExportFixture.roundRobin(items, 1));
    AccessKey lister = user("lister-" + exportId, allow("s3:ListBucket", BUCKET_ARN));
    moto().authentication(true);

    Run run =
        run(
            "load",
            s3.url(lister.accessKeyId(), lister.secretAccessKey(), export.folder(), "key=id:S"),
            target(),
            GIVE_UP,
            "30s");

    assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
    assertThat(run.output())
        .contains(
            "access denied to s3://"
                + S3ExportFixture.BUCKET
                + "/"
                + export.folder()
                + "manifest-summary.json (AccessDenied): the credentials (access key "
                + lister.accessKeyId()
                + ") need s3:GetObject on "
                + object(export.folder() + "*"));
    assertNothingSecret(run, lister.secretAccessKey());
    assertThat(TableRows.exists(database(), table)).isFalse();
  }

  @Test
  void anUnknownAccessKeyOrAWrongSecretKeyIsNamedAsSuch() throws Exception {
    S3ExportFixture.Export export =
        s3.write(
            "p",
            exportId,
            source,
            exportTime,
            S3ExportFixture.roundRobin(TestItems.mixed("id", "k", 2), 1));
    AccessKey reader =
        user("reader-" + exportId, allow("s3:GetObject", object(export.folder() + "*")));
    moto().authentication(true);
    String secret = "n0t/a@real%2Fsecret#key+";

    Run unknown =
        run(
            "load",
            s3.url("AKIAUNKNOWNKEY000000", secret, export.folder(), "key=id:S"),
            target(),
            GIVE_UP,
            "30s");

    assertThat(unknown.exitCode()).as(unknown.output()).isEqualTo(1);
    assertThat(unknown.output())
        .contains(
            "S3 refused the credentials reading s3://"
                + S3ExportFixture.BUCKET
                + "/"
                + export.folder()
                + "manifest-summary.json (InvalidAccessKeyId): the access key AKIAUNKNOWNKEY000000"
                + " is not known to S3")
        .doesNotContain("manifest-summary.json is missing");
    assertNothingSecret(unknown, secret);
    assertThat(TableRows.exists(database(), table)).isFalse();

    Run wrongSecret =
        run(
            "load",
            s3.url(reader.accessKeyId(), secret, export.folder(), "key=id:S"),
            target(),
            GIVE_UP,
            "30s");

    assertThat(wrongSecret.exitCode()).as(wrongSecret.output()).isEqualTo(1);
    assertThat(wrongSecret.output())
        .contains(
            "(SignatureDoesNotMatch): the secret key does not belong to the access key "
                + reader.accessKeyId());
    assertNothingSecret(wrongSecret, secret);
    assertNothingSecret(wrongSecret, reader.secretAccessKey());
  }
}
