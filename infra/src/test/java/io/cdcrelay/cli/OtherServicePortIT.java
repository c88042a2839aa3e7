package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.snapshot.DynamoDbEmulator;
import io.cdcrelay.testing.PostgresDatabase;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A source URL whose host and port are not the service's: an endpoint that answers with an HTTP
 * error no AWS service sends (no error type) fails at once, saying what to check, rather than being
 * waited for as an outage for --give-up-after (five minutes).
 */
class OtherServicePortIT {

  private final String target =
      PostgresDatabase.get().userUrl(new TableName("public", "other_service_port"));

  @Test
  @Timeout(60)
  void aFullLoadFromAWebServerThatAnswers500FailsAtOnceSayingWhatToCheck() throws Exception {
    // As CrateDB's HTTP port answers a DynamoDB request: a bare 500.
    HttpServer web =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
    web.createContext(
        "/",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          exchange.sendResponseHeaders(500, -1);
          exchange.close();
        });
    web.start();
    try {
      LocalRelayContract.Run run =
          LocalRelayContract.load(
              "load",
              "dynamodb://AKIAIOSFODNN7EXAMPLE:s3cr%2Ft@127.0.0.1:"
                  + web.getAddress().getPort()
                  + "/orders?region=us-east-1",
              "--target",
              target);

      assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
      assertThat(run.output())
          .contains("DescribeTable orders at http://127.0.0.1:" + web.getAddress().getPort())
          .contains("the answer names no AWS error type")
          .contains("is the URL's host and port the endpoint of that service?")
          .doesNotContain("retrying")
          .doesNotContain("s3cr");
    } finally {
      web.stop(0);
    }
  }

  @Test
  @Timeout(60)
  void aFullLoadFromAPortWhereNothingListensSaysWhatToCheck() throws Exception {
    int closed;
    try (java.net.ServerSocket socket =
        new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
    }
    LocalRelayContract.Run run =
        LocalRelayContract.load(
            "load",
            "dynamodb://AKIAIOSFODNN7EXAMPLE:s3cr%2Ft@127.0.0.1:"
                + closed
                + "/orders?region=us-east-1",
            "--target",
            target);

    assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
    assertThat(run.output())
        .contains("DescribeTable orders at http://127.0.0.1:" + closed)
        .contains("nothing answers at that address: are the URL's host and port right")
        .doesNotContain("s3cr");
  }

  @Test
  @Timeout(60)
  void aKinesisUrlPointingAtDynamoDbsPortSaysWhatToCheck() {
    // dynalite answers a Kinesis request with a 404 that names no error type.
    DynamoDbEmulator dynamo = DynamoDbEmulator.dynalite();
    LocalRelayContract.Run run =
        LocalRelayContract.load(
            "load",
            "table",
            "kinesis+dynamodb+cdc://AKIAIOSFODNN7EXAMPLE:s3cr%2Ft@127.0.0.1:"
                + dynamo.port()
                + "/cdc?region=us-east-1",
            "--target",
            target);

    assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
    assertThat(run.output())
        .contains("Kinesis at http://127.0.0.1:" + dynamo.port() + " failed")
        .contains("the answer names no AWS error type")
        .doesNotContain("s3cr");
  }
}
