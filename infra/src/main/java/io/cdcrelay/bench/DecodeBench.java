package io.cdcrelay.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcrelay.change.Decoded;
import io.cdcrelay.change.SourceRecord;
import io.cdcrelay.decode.DynamoDbChangeDecoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * The decode part: records per CPU-second of one thread (one core) of the Kinesis decoder, beside
 * plain Jackson parsing of the same payloads into a tree.
 */
final class DecodeBench {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final int records;
  private final int rounds;

  DecodeBench(int records, int rounds) {
    this.records = records;
    this.rounds = rounds;
  }

  void run(ResultTable table) {
    ChangeRecords generator = new ChangeRecords(12, Math.max(1, records / 3), "bench_decode");
    List<SourceRecord> input = new ArrayList<>(records);
    long bytes = 0;
    for (int i = 0; i < records; i++) {
      byte[] data = generator.record(i);
      bytes += data.length;
      input.add(
          new SourceRecord(
              "shardId-000000000000", generator.sequenceNumber(i), data, Instant.EPOCH));
    }
    DynamoDbChangeDecoder decoder =
        new DynamoDbChangeDecoder(DynamoDbChangeDecoder.Format.KINESIS_DATA_STREAMS);
    ToIntFunction<SourceRecord> decode =
        record -> decoder.decode(record) instanceof Decoded.Ok ? 1 : 0;
    ToIntFunction<SourceRecord> parse =
        record -> {
          try {
            return JSON.readTree(record.data()).size();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        };
    // Warm up both paths so that the rounds measure compiled code.
    for (int i = 0; i < 3; i++) {
      perCpuSecond(input, decode);
      perCpuSecond(input, parse);
    }
    List<Double> decoded = new ArrayList<>();
    List<Double> parsed = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      decoded.add(perCpuSecond(input, decode));
      parsed.add(perCpuSecond(input, parse));
    }
    table.add(
        "decode",
        String.format("Kinesis decoder, %,d records of %d bytes avg", records, bytes / records),
        "records/s/core",
        Stats.of(decoded),
        "Jackson readTree",
        Stats.of(parsed));
  }

  /** Records per CPU-second of this thread; the checksum keeps the work from being elided. */
  private static double perCpuSecond(List<SourceRecord> input, ToIntFunction<SourceRecord> work) {
    long checksum = 0;
    long start = THREADS.getCurrentThreadCpuTime();
    for (SourceRecord record : input) {
      checksum += work.applyAsInt(record);
    }
    long cpu = THREADS.getCurrentThreadCpuTime() - start;
    if (checksum < 0) {
      throw new IllegalStateException("unreachable");
    }
    return input.size() / (Math.max(cpu, 1) / 1e9);
  }
}
