package io.cdcrelay.local;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Checkpoints in memory, for tests: each write, and the thread that wrote it, kept in order. */
public final class MemoryCheckpoints implements Checkpoints {
  public final Map<String, String> positions = new ConcurrentHashMap<>();
  public final List<String> written = new CopyOnWriteArrayList<>();
  public final List<String> writers = new CopyOnWriteArrayList<>();

  /** Runs before each write: a test's hook to fail or hold it. */
  public volatile Runnable beforeWrite = () -> {};

  /** Runs before each read, given its id: a test's hook to fail it. */
  public volatile java.util.function.Consumer<String> beforeRead = id -> {};

  @Override
  public Optional<String> read(String shardId) {
    beforeRead.accept(shardId);
    return Optional.ofNullable(positions.get(shardId));
  }

  @Override
  public void write(String shardId, String sequenceNumber) {
    beforeWrite.run();
    written.add(sequenceNumber);
    writers.add(Thread.currentThread().getName());
    positions.put(shardId, sequenceNumber);
  }

  @Override
  public boolean compareAndSet(String id, Optional<String> expected, String value) {
    return expected.isEmpty()
        ? positions.putIfAbsent(id, value) == null
        : positions.replace(id, expected.get(), value);
  }
}
