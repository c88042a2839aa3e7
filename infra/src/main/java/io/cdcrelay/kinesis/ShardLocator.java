package io.cdcrelay.kinesis;

import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the shard that holds a sequence number: the anchor of a {@code seqno-*} start, for the
 * local relay and for {@code relay provision} alike.
 */
public final class ShardLocator {

  private static final Logger LOG = LoggerFactory.getLogger(ShardLocator.class);
  private static final int EMPTY_READS = 5;

  private ShardLocator() {}

  /** The shard of {@code shards} holding the record {@code sequenceNumber}, and when it arrived. */
  public static Optional<ShardPosition.Anchor> locate(
      ShardReader reader, List<Shard> shards, String sequenceNumber) {
    for (Shard shard : shards) {
      try {
        String iterator = reader.iterator(shard.shardId(), ShardPosition.at(sequenceNumber));
        // An iterator's first reads may come back empty although the record is there.
        for (int attempt = 0; attempt < EMPTY_READS && iterator != null; attempt++) {
          ShardReader.Read read = reader.read(shard.shardId(), iterator, 1);
          if (!read.records().isEmpty()) {
            if (read.records().get(0).sequenceNumber().equals(sequenceNumber)) {
              return Optional.of(
                  new ShardPosition.Anchor(shard.shardId(), read.records().get(0).arrivedAt()));
            }
            break;
          }
          if (read.millisBehindLatest() != null && read.millisBehindLatest() == 0) {
            break;
          }
          iterator = read.nextIterator();
        }
      } catch (ShardReadException e) {
        if (!e.notThere()) {
          throw e;
        }
        LOG.debug("sequence number {} is not in {}: {}", sequenceNumber, shard, e.getMessage());
      }
    }
    return Optional.empty();
  }
}
