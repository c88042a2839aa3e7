package io.cdcrelay.cli;

import static io.cdcrelay.cli.SampleEvents.bool;
import static io.cdcrelay.cli.SampleEvents.compact;
import static io.cdcrelay.cli.SampleEvents.keys;
import static io.cdcrelay.cli.SampleEvents.l;
import static io.cdcrelay.cli.SampleEvents.m;
import static io.cdcrelay.cli.SampleEvents.n;
import static io.cdcrelay.cli.SampleEvents.s;
import static io.cdcrelay.cli.SampleEvents.with;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcrelay.source.SourceType;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Generates the sample Lambda DynamoDB events of {@code events/dynamodb-streams/}: records of the
 * table {@code demo}'s own stream (NEW_AND_OLD_IMAGES), deterministically.
 *
 * <p>All files share one timeline, in the order insert, modify, remove, ttl-remove, batch, poison:
 * sequence numbers increase from one record to the next, and creation times are whole seconds (as
 * AWS gives them), several records sharing a second, so that the sequence number orders them.
 *
 * @see <a href="https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html">Lambda DynamoDB
 *     events</a>
 */
public final class DynamoDbStreamsSampleEvents {

  /** The directory of {@code events/} holding these files. */
  public static final String DIRECTORY = "dynamodb-streams";

  static final String STREAM_ARN =
      "arn:aws:dynamodb:us-east-1:123456789012:table/demo/stream/2024-07-12T01:00:00.000";
  static final String FIRST_SEQUENCE_NUMBER = "700000000012345678901";
  private static final BigInteger SEQUENCE_NUMBER_STEP = BigInteger.valueOf(1_000_003L);
  private static final long FIRST_CREATED_SECONDS = 1720740233L;

  private static final ObjectMapper JSON = new ObjectMapper();

  private DynamoDbStreamsSampleEvents() {}

  /** Returns file name to pretty-printed JSON text (ending with a newline) of every sample. */
  public static SortedMap<String, String> generate() {
    Timeline timeline = new Timeline();
    SortedMap<String, String> files = new TreeMap<>();
    ObjectNode foo = keys("foo", "2024-07-12T01:17:42");
    ObjectNode inserted = SampleEvents.fooInserted(foo);
    ObjectNode modified = SampleEvents.fooModified(inserted);
    files.put("insert.json", print(new Event(timeline).insert(foo, inserted)));
    files.put("modify.json", print(new Event(timeline).modify(foo, modified, inserted)));
    files.put("remove.json", print(new Event(timeline).remove(foo, modified)));
    files.put("ttl-remove.json", print(ttlRemove(timeline)));
    files.put("batch.json", print(batch(timeline)));
    files.put("poison.json", print(poison(timeline)));
    return files;
  }

  private static Event ttlRemove(Timeline timeline) {
    Event event = new Event(timeline);
    ObjectNode plugh = keys("plugh", "2024-07-12T01:18:00");
    ObjectNode item = with(plugh, "temperature", n("24.5"), "expires_at", n("1720740300"));
    event.insert(plugh, item);
    event.expire(plugh, item);
    return event;
  }

  private static Event batch(Timeline timeline) {
    Event event = new Event(timeline);
    ObjectNode bar = keys("bar", "2024-07-12T01:18:03");
    ObjectNode barItem =
        with(bar, "temperature", n("21.5"), "meta.source", s("import"), "mixed", l(n("1"), s("a")));
    event.insert(bar, barItem);

    ObjectNode qux = keys("qux", "2024-07-12T01:18:11");
    ObjectNode quxInserted = with(qux, "temperature", n("23.25"), "status", s("online"));
    event.sameSecond().insert(qux, quxInserted);

    ObjectNode quux = keys("quux", "2024-07-12T01:18:15");
    ObjectNode quuxItem = with(quux, "temperature", n("18.75"));
    event.insert(quux, quuxItem);

    // Two changes of qux within one second: the sequence number says which is newer.
    ObjectNode quxModified =
        with(quxInserted, "temperature", n("23.5"), "status", s("degraded"), "alert", bool(true));
    event.sameSecond().modify(qux, quxModified, quxInserted);
    ObjectNode quxAgain = with(quxModified, "status", s("offline"));
    event.sameSecond().modify(qux, quxAgain, quxModified);

    ObjectNode corge = keys("corge", "2024-07-12T01:18:22");
    ObjectNode corgeItem =
        with(
            corge, "temperature", n("-3.5"), "location", m("room", s("freezer"), "floor", n("-1")));
    event.insert(corge, corgeItem);

    event.sameSecond().remove(quux, quuxItem);

    // Removed and put again in the same second: the item lives, as the later write says.
    event.sameSecond().remove(corge, corgeItem);
    ObjectNode corgeBack = with(corge, "temperature", n("-4"));
    event.sameSecond().insert(corge, corgeBack);
    return event;
  }

  private static Event poison(Timeline timeline) {
    Event event = new Event(timeline);
    ObjectNode garply = keys("garply", "2024-07-12T01:19:01");
    ObjectNode garplyItem = with(garply, "temperature", n("22"));
    event.insert(garply, garplyItem);

    event.record("ARCHIVE", garply, garplyItem, null);

    ObjectNode noKeys = event.record("INSERT", garply, garplyItem, null);
    ((ObjectNode) noKeys.get("dynamodb")).remove("Keys");

    ObjectNode badNumber = keys("grault", "2024-07-12T01:19:05");
    ObjectNode badItem = with(badNumber, "temperature", n("20"));
    ObjectNode bad = event.record("INSERT", badNumber, badItem, null);
    ((ObjectNode) bad.get("dynamodb").get("NewImage")).set("temperature", n("twenty"));

    ObjectNode waldo = keys("waldo", "2024-07-12T01:19:09");
    ObjectNode waldoItem = with(waldo, "temperature", n("22.5"));
    event.insert(waldo, waldoItem);
    return event;
  }

  /** The position and creation second of the next record, shared by all files. */
  private static final class Timeline {
    private int next;
    private long seconds = FIRST_CREATED_SECONDS - 1;

    int advance(boolean sameSecond) {
      if (!sameSecond) {
        seconds += 3;
      }
      return next++;
    }
  }

  /** One Lambda DynamoDB event being built, record by record. */
  private static final class Event {
    private final Timeline timeline;
    private final ObjectNode root = JSON.createObjectNode();
    private final ArrayNode records = root.putArray("Records");
    private boolean sameSecond;

    Event(Timeline timeline) {
      this.timeline = timeline;
    }

    /** The next record is created in the same second as the previous one. */
    Event sameSecond() {
      sameSecond = true;
      return this;
    }

    Event insert(ObjectNode keys, ObjectNode newImage) {
      record("INSERT", keys, newImage, null);
      return this;
    }

    Event modify(ObjectNode keys, ObjectNode newImage, ObjectNode oldImage) {
      record("MODIFY", keys, newImage, oldImage);
      return this;
    }

    Event remove(ObjectNode keys, ObjectNode oldImage) {
      record("REMOVE", keys, null, oldImage);
      return this;
    }

    /** A removal by DynamoDB's time to live, which names DynamoDB as the user. */
    Event expire(ObjectNode keys, ObjectNode oldImage) {
      ObjectNode record = record("REMOVE", keys, null, oldImage);
      record
          .putObject("userIdentity")
          .put("type", "Service")
          .put("principalId", "dynamodb.amazonaws.com");
      return this;
    }

    ObjectNode record(String eventName, ObjectNode keys, ObjectNode newImage, ObjectNode old) {
      int position = timeline.advance(sameSecond);
      sameSecond = false;
      String sequenceNumber =
          new BigInteger(FIRST_SEQUENCE_NUMBER)
              .add(SEQUENCE_NUMBER_STEP.multiply(BigInteger.valueOf(position)))
              .toString();
      ObjectNode record = records.addObject();
      record.put(
          "eventID",
          UUID.nameUUIDFromBytes(sequenceNumber.getBytes(StandardCharsets.UTF_8))
              .toString()
              .replace("-", ""));
      record.put("eventName", eventName);
      record.put("eventVersion", "1.1");
      record.put("eventSource", SourceType.DYNAMODB_STREAM.eventSource());
      record.put("awsRegion", "us-east-1");
      ObjectNode dynamodb = record.putObject("dynamodb");
      dynamodb.put("ApproximateCreationDateTime", timeline.seconds);
      int size = SampleEvents.putImages(dynamodb, keys, newImage, old);
      dynamodb.put("SequenceNumber", sequenceNumber);
      dynamodb.put("SizeBytes", size);
      dynamodb.put("StreamViewType", "NEW_AND_OLD_IMAGES");
      record.put("eventSourceARN", STREAM_ARN);
      return record;
    }
  }

  private static String print(Event event) {
    try {
      return SampleEvents.PRETTY.writeValueAsString(event.root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot print a sample event " + compact(event.root), e);
    }
  }
}
