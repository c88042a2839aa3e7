package io.cdcrelay.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcrelay.change.AttributeValue;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PageQueueTest {

  private static ScanPage page(int items, boolean last) {
    List<Map<String, AttributeValue>> list = new ArrayList<>();
    for (int i = 0; i < items; i++) {
      list.add(Map.of("id", new AttributeValue.S("k" + i)));
    }
    return new ScanPage(list, last ? Map.of() : Map.of("id", new AttributeValue.S("next")), 1.0);
  }

  @Test
  void theWriterTakesTheWaitingPagesUpToItsItems() throws Exception {
    PageQueue<IOException> queue = new PageQueue<>(10);
    ScanPage a = page(400, false);
    ScanPage b = page(400, false);
    ScanPage c = page(400, false);
    ScanPage d = page(0, true);
    for (ScanPage page : List.of(a, b, c, d)) {
      assertThat(queue.put(page)).isTrue();
    }

    assertThat(queue.take(1000, Long.MAX_VALUE, IOException.class)).containsExactly(a, b);
    assertThat(queue.take(1000, Long.MAX_VALUE, IOException.class)).containsExactly(c, d);
  }

  @Test
  void theWriterTakesTheWaitingPagesUpToItsBytes() throws Exception {
    PageQueue<IOException> queue = new PageQueue<>(10);
    ScanPage a = sized(600_000);
    ScanPage b = sized(300_000);
    ScanPage c = sized(200_000);
    ScanPage d = sized(2_000_000);
    ScanPage e = sized(1);
    for (ScanPage page : List.of(a, b, c, d, e)) {
      queue.put(page);
    }

    assertThat(queue.take(1000, 1_000_000, IOException.class)).containsExactly(a, b);
    assertThat(queue.take(1000, 1_000_000, IOException.class)).containsExactly(c);
    assertThat(queue.take(1000, 1_000_000, IOException.class))
        .as("a page larger than a write, alone")
        .containsExactly(d);
    assertThat(queue.take(1000, 1_000_000, IOException.class)).containsExactly(e);
  }

  private static ScanPage sized(long bytes) {
    return new ScanPage(
        List.of(Map.of("id", new AttributeValue.S("k" + bytes))),
        Map.of("id", new AttributeValue.S("next")),
        1.0,
        bytes);
  }

  @Test
  void aPageLargerThanTheWriteIsTakenAlone() throws Exception {
    PageQueue<IOException> queue = new PageQueue<>(10);
    ScanPage big = page(50, false);
    ScanPage next = page(1, true);
    queue.put(big);
    queue.put(next);

    assertThat(queue.take(10, Long.MAX_VALUE, IOException.class)).containsExactly(big);
    assertThat(queue.take(10, Long.MAX_VALUE, IOException.class)).containsExactly(next);
  }

  @Test
  void theReaderWaitsWhileTheQueueIsFull() throws Exception {
    PageQueue<IOException> queue = new PageQueue<>(1);
    ScanPage first = page(1, false);
    ScanPage second = page(1, true);
    queue.put(first);
    CompletableFuture<Boolean> put = CompletableFuture.supplyAsync(() -> put(queue, second));

    assertThat(put).as("the second put waits for room").isNotDone();
    Thread.sleep(100);
    assertThat(put).as("the second put waits for room").isNotDone();
    assertThat(queue.take(10, Long.MAX_VALUE, IOException.class)).containsExactly(first);
    assertThat(put.get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(queue.take(10, Long.MAX_VALUE, IOException.class)).containsExactly(second);
  }

  @Test
  void aClosedQueueDropsThePagesAndReleasesTheReader() throws Exception {
    PageQueue<IOException> queue = new PageQueue<>(1);
    queue.put(page(1, false));
    CompletableFuture<Boolean> put =
        CompletableFuture.supplyAsync(() -> put(queue, page(1, false)));

    queue.close();

    assertThat(put.get(10, TimeUnit.SECONDS)).as("the waiting put is dropped").isFalse();
    assertThat(queue.put(page(1, true))).as("a later put is dropped").isFalse();
  }

  @Test
  void theReadersFailureComesAfterThePagesReadBeforeIt() throws Exception {
    PageQueue<IOException> queue = new PageQueue<>(5);
    ScanPage read = page(3, false);
    queue.put(read);
    queue.end(new IOException("throttled for good"));

    assertThat(queue.take(10, Long.MAX_VALUE, IOException.class)).containsExactly(read);
    assertThatThrownBy(() -> queue.take(10, Long.MAX_VALUE, IOException.class))
        .isInstanceOf(IOException.class)
        .hasMessage("throttled for good");
  }

  @Test
  void aStoppedReaderLeavesAnEmptyTakeOnceItsPagesAreTaken() throws Exception {
    PageQueue<IOException> queue = new PageQueue<>(5);
    ScanPage read = page(3, false);
    queue.put(read);
    CompletableFuture<List<ScanPage>> waiting = new CompletableFuture<>();

    assertThat(queue.take(10, Long.MAX_VALUE, IOException.class)).containsExactly(read);
    Thread taker =
        new Thread(
            () -> {
              try {
                waiting.complete(queue.take(10, Long.MAX_VALUE, IOException.class));
              } catch (Exception e) {
                waiting.completeExceptionally(e);
              }
            });
    taker.start();
    Thread.sleep(100);
    assertThat(waiting).as("the writer waits for a page").isNotDone();
    queue.end(null);

    assertThat(waiting.get(10, TimeUnit.SECONDS)).isEmpty();
  }

  @Test
  void anUncheckedFailureIsThrownAsIs() {
    PageQueue<IOException> queue = new PageQueue<>(5);
    queue.end(new IllegalArgumentException("not a key"));

    assertThatThrownBy(() -> queue.take(10, Long.MAX_VALUE, IOException.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a key");
  }

  private static boolean put(PageQueue<IOException> queue, ScanPage page) {
    try {
      return queue.put(page);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
