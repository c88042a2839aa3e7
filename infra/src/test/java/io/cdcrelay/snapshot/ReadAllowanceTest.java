package io.cdcrelay.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ReadAllowanceTest {

  private static CompletableFuture<Integer> takeLater(ReadAllowance.Lease lease, int wanted) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return lease.take(wanted, () -> false);
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
        });
  }

  @Test
  void aTakeWaitsUntilEnoughIsGivenBack() throws Exception {
    ReadAllowance allowance = new ReadAllowance(10, Long.MAX_VALUE);
    ReadAllowance.Lease first = allowance.lease();
    ReadAllowance.Lease second = allowance.lease();
    assertThat(first.take(6, () -> false)).isEqualTo(6);

    CompletableFuture<Integer> waiting = takeLater(second, 6);
    Thread.sleep(150);
    assertThat(waiting).as("4 free of the 6 wanted").isNotDone();
    first.give(2);

    assertThat(waiting.get(5, TimeUnit.SECONDS)).isEqualTo(6);
    assertThat(allowance.free()).isZero();
    assertThat(first.held()).isEqualTo(4);
    assertThat(second.held()).isEqualTo(6);
  }

  @Test
  void aPageLargerThanTheAllowanceTakesAllOfIt() throws Exception {
    ReadAllowance allowance = new ReadAllowance(5, Long.MAX_VALUE);
    assertThat(allowance.lease().take(8, () -> false)).isEqualTo(5);
    assertThat(allowance.free()).isZero();
  }

  @Test
  void aCancelledTakeTakesNothing() throws Exception {
    ReadAllowance allowance = new ReadAllowance(1, Long.MAX_VALUE);
    allowance.lease().take(1, () -> false);
    assertThat(allowance.lease().take(1, () -> true)).isZero();
    assertThat(allowance.free()).isZero();
  }

  @Test
  void aLeaseGivesBackNoMoreThanItHolds() throws Exception {
    ReadAllowance allowance = new ReadAllowance(10, Long.MAX_VALUE);
    ReadAllowance.Lease lease = allowance.lease();
    lease.take(3, () -> false);
    lease.give(5);
    lease.give(-1);
    assertThat(allowance.free()).isEqualTo(10);
    assertThat(lease.held()).isZero();
  }

  @Test
  void closingALeaseGivesBackAllItHoldsAndIgnoresLaterGives() throws Exception {
    ReadAllowance allowance = new ReadAllowance(3, Long.MAX_VALUE);
    ReadAllowance.Lease ending = allowance.lease();
    ending.take(3, () -> false);
    CompletableFuture<Integer> waiting = takeLater(allowance.lease(), 2);
    Thread.sleep(100);
    assertThat(waiting).isNotDone();

    ending.close();

    assertThat(waiting.get(5, TimeUnit.SECONDS)).isEqualTo(2);
    ending.give(3);
    assertThat(allowance.free()).as("a closed lease gives back nothing more").isEqualTo(1);
  }

  @Test
  void aReaderWaitingOnItsClosedLeaseStopsWaiting() throws Exception {
    ReadAllowance allowance = new ReadAllowance(1, Long.MAX_VALUE);
    allowance.lease().take(1, () -> false);
    ReadAllowance.Lease closing = allowance.lease();
    CompletableFuture<Integer> waiting = takeLater(closing, 1);
    Thread.sleep(100);

    closing.close();

    assertThat(waiting.get(5, TimeUnit.SECONDS)).isZero();
    assertThat(closing.take(1, () -> false)).as("a closed lease takes nothing").isZero();
    assertThat(allowance.free()).isZero();
  }

  @Test
  void readersWaitWhileTheBytesHeldReachTheAllowanceAndGoOnOnceTheyAreGivenBack() throws Exception {
    ReadAllowance allowance = new ReadAllowance(100, 1000);
    ReadAllowance.Lease large = allowance.lease();
    ReadAllowance.Lease other = allowance.lease();
    assertThat(large.take(1, () -> false)).isEqualTo(1);
    // Known once read, a page's bytes are held even beyond the allowance.
    large.charge(1500);
    assertThat(allowance.heldBytes()).isEqualTo(1500);

    CompletableFuture<Integer> waiting = takeLater(other, 1);
    Thread.sleep(150);
    assertThat(waiting).as("items are free, but 1,500 of 1,000 bytes are held").isNotDone();
    large.give(1, 600);
    Thread.sleep(150);
    assertThat(waiting).as("900 bytes held: below the allowance").isDone();
    assertThat(waiting.get()).isEqualTo(1);
    assertThat(large.bytesHeld()).isEqualTo(900);
  }

  @Test
  void closingALeaseGivesBackItsBytesAndAClosedLeaseIsChargedNothing() throws Exception {
    ReadAllowance allowance = new ReadAllowance(10, 1000);
    ReadAllowance.Lease lease = allowance.lease();
    lease.take(1, () -> false);
    lease.charge(2000);
    lease.give(0, -5);
    lease.give(0, 5000);
    assertThat(allowance.heldBytes()).as("no more given back than held").isZero();
    lease.charge(700);

    lease.close();
    lease.charge(300);

    assertThat(allowance.heldBytes()).isZero();
    assertThat(lease.bytesHeld()).isZero();
  }

  @Test
  void aLoadsAllowanceKeepsEveryWriterBusyAndOneWriteWaiting() {
    assertThat(ReadAllowance.forWriters(4, 1000, 1 << 20).items()).isEqualTo(5000);
    assertThat(ReadAllowance.forWriters(4, 1000, 1 << 20).bytes()).isEqualTo(5 << 20);
    assertThat(ReadAllowance.forWriters(1, 1000, 1 << 20).items()).isEqualTo(2000);
    assertThatThrownBy(() -> new ReadAllowance(0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ReadAllowance(1, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
