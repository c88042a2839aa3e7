package io.cdcrelay.snapshot;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The DynamoDB of a moto_server for the tests of one class: started when a test first asks for it,
 * stopped once the class's tests are done. A class registers it as {@code @RegisterExtension static
 * final MotoDynamoDb MOTO = new MotoDynamoDb();} (a class that skips first never starts it).
 */
public final class MotoDynamoDb implements AfterAllCallback {

  private DynamoDbEmulator moto;

  /** The class's moto_server, started on the first call. */
  public synchronized DynamoDbEmulator get() {
    if (moto == null) {
      moto = DynamoDbEmulator.moto();
    }
    return moto;
  }

  @Override
  public synchronized void afterAll(ExtensionContext context) {
    if (moto != null) {
      moto.close();
      moto = null;
    }
  }
}
