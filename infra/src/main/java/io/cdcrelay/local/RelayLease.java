package io.cdcrelay.local;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;

/**
 * Which local relay reads a stream into a state schema, kept among the stream's checkpoints (id
 * {@link #ID}): its owner and when it last said it still runs. A second relay of the same stream
 * would read every record again, double the load on stream and database, and could move a
 * checkpoint back; it is refused while the lease is fresh, and a relay that finds its lease taken
 * stops. Every write of the lease is a compare-and-set ({@link Checkpoints#compareAndSet}) on the
 * value read, so that two relays never both believe they hold it. A relay killed without releasing
 * it holds it {@link #EXPIRY} at most, and not at all from a relay started on the same host once
 * its process is gone.
 */
public final class RelayLease {

  /** The id of the lease among the checkpoints: no shard has it. */
  public static final String ID = "(relay)";

  /** How often the holder says it still runs. */
  static final Duration RENEWAL = Duration.ofSeconds(10);

  /** How long a lease not renewed keeps another relay out. */
  public static final Duration EXPIRY = Duration.ofSeconds(35);

  private static final String RELEASED = "released";

  /** How often a relay reads and writes the lease again when other relays write it meanwhile. */
  static final int ATTEMPTS = 5;

  /** Another relay holds the lease. */
  public static final class HeldException extends RuntimeException {
    HeldException(String message) {
      super(message);
    }
  }

  /**
   * How the messages name what the lease guards: who holds it ({@code relay}, {@code load}), what
   * the holder does, what it holds (in full and in short), what else the refused one may do, and
   * what the one left does.
   */
  public record Words(
      String who, String doing, String held, String heldShort, String otherwise, String goesOn) {

    /** A stream relay's lease. */
    static Words stream(String stream) {
      return new Words(
          "relay",
          "relays stream " + stream + " into this state schema",
          "stream " + stream,
          "the stream",
          "or give this one another --state-schema",
          "reads it");
    }

    /** A full load's lease: {@code load} names it, say "orders into doc.orders". */
    public static Words load(String load) {
      return new Words(
          "load",
          "loads " + load,
          "the load of " + load,
          "the load",
          "or wait for it to end (the same command then finds the load complete)",
          "goes on");
    }
  }

  private final Checkpoints checkpoints;
  private final Words words;
  private final String owner;
  private final Clock clock;
  private Instant renewed;

  /**
   * @param stream the stream's name, for the messages
   */
  public RelayLease(Checkpoints checkpoints, String stream, Clock clock) {
    this(checkpoints, Words.stream(stream), defaultOwner(), clock);
  }

  /** The lease of what {@code words} name (a full load), kept among {@code checkpoints}. */
  public RelayLease(Checkpoints checkpoints, Words words, Clock clock) {
    this(checkpoints, words, defaultOwner(), clock);
  }

  RelayLease(Checkpoints checkpoints, String stream, String owner, Clock clock) {
    this(checkpoints, Words.stream(stream), owner, clock);
  }

  RelayLease(Checkpoints checkpoints, Words words, String owner, Clock clock) {
    this.checkpoints = checkpoints;
    this.words = words;
    this.owner = owner;
    this.clock = clock;
  }

  /**
   * This process: {@code host:pid}, a random part for two relays of one process, and when the
   * process started ({@link ProcessStart}), which tells it from a later process given the same id.
   */
  static String defaultOwner() {
    // RuntimeMXBean's name is pid@host.
    String name = ManagementFactory.getRuntimeMXBean().getName();
    int at = name.indexOf('@');
    String where = at < 0 ? name : name.substring(at + 1) + ":" + name.substring(0, at);
    byte[] random = new byte[3];
    ThreadLocalRandom.current().nextBytes(random);
    return where.replace(' ', '_')
        + ":"
        + HexFormat.of().formatHex(random)
        + ProcessStart.of(ProcessHandle.current()).map(started -> ":" + started).orElse("");
  }

  /**
   * Takes the lease. Its row is written only if it still holds what was read (compare-and-set): of
   * two relays started at the same moment, which both found no fresh holder, one takes it and the
   * other is refused as if it had come second.
   *
   * @throws HeldException while another relay's lease is fresh
   */
  public void acquire() {
    take(
        (holder, now) ->
            !holder.owner().equals(owner)
                && fresh(holder, now)
                && !goneFromThisHost(holder.owner()),
        (holder, now) ->
            "another "
                + words.who()
                + " ("
                + holder.owner()
                + ") "
                + words.doing()
                + ", last seen "
                + Duration.between(holder.at(), now).toSeconds()
                + " s ago: stop it first (a "
                + words.who()
                + " that was killed holds "
                + words.heldShort()
                + " "
                + EXPIRY.toSeconds()
                + " s at most), "
                + words.otherwise());
  }

  /**
   * Says again that this relay runs, once {@link #RENEWAL} has passed.
   *
   * @throws HeldException when another relay has taken the lease meanwhile
   */
  public void renewIfDue() {
    Instant now = clock.instant();
    if (renewed != null && now.isBefore(renewed.plus(RENEWAL))) {
      return;
    }
    take(
        (holder, at) -> !holder.owner().equals(owner) && !holder.released(),
        (holder, at) ->
            "another "
                + words.who()
                + " ("
                + holder.owner()
                + ") took over "
                + words.held()
                + ": this one stops, so that one "
                + words.who()
                + " "
                + words.goesOn());
  }

  /** Gives the lease up, if this relay still holds it. */
  public void release() {
    Optional<String> stored = checkpoints.read(ID);
    if (stored.flatMap(Holder::parse).filter(h -> h.owner().equals(owner)).isPresent()) {
      // Not if another relay took it since it was read.
      checkpoints.compareAndSet(ID, stored, RELEASED + " " + clock.millis());
    }
  }

  /**
   * Writes this relay's lease unless {@code refused} by the holder read; when another relay wrote
   * the row between the read and the write, decides again on what that one wrote.
   */
  private void take(
      BiPredicate<Holder, Instant> refused, BiFunction<Holder, Instant, String> refusal) {
    for (int attempt = 1; ; attempt++) {
      Optional<String> stored = checkpoints.read(ID);
      Optional<Holder> holder = stored.flatMap(Holder::parse);
      Instant now = clock.instant();
      if (holder.isPresent() && refused.test(holder.get(), now)) {
        throw new HeldException(refusal.apply(holder.get(), now));
      }
      if (checkpoints.compareAndSet(ID, stored, owner + " " + now.toEpochMilli())) {
        renewed = now;
        return;
      }
      if (attempt == ATTEMPTS) {
        throw new HeldException(
            "the lease of "
                + words.held()
                + " changed under this "
                + words.who()
                + " "
                + ATTEMPTS
                + " times in a row (is another "
                + words.who()
                + " starting and stopping on it?): this one stops, so that one "
                + words.who()
                + " "
                + words.goesOn());
      }
    }
  }

  /**
   * Whether {@code holder} ran on this host in a process that is gone: killed ({@code kill -9}), it
   * left its lease fresh, and the same command run again must not wait for it to expire. Its
   * process id may belong to another process by then: a container restarted runs the relay again
   * under the same id (often 1), so a holder that says when it started is gone unless the process
   * of that id started then.
   */
  private boolean goneFromThisHost(String holder) {
    String[] parts = holder.split(":");
    String[] mine = owner.split(":");
    if (parts.length < 3 || mine.length < 3 || !parts[0].equals(mine[0])) {
      return false;
    }
    Optional<ProcessHandle> process;
    try {
      process = ProcessHandle.of(Long.parseLong(parts[1]));
    } catch (NumberFormatException e) {
      return false;
    }
    if (process.isEmpty() || !process.get().isAlive() || isZombie(process.get().pid())) {
      return true;
    }
    if (parts.length < 4) {
      // Written by an earlier release, which did not say when its process started.
      return false;
    }
    return ProcessStart.of(process.get())
        .map(started -> !ProcessStart.same(started, parts[3]))
        .orElse(false);
  }

  /**
   * Whether the process has ended and waits for its parent to collect its exit status (state {@code
   * Z} in Linux's {@code /proc/PID/stat}): a process killed with {@code kill -9} is one for a
   * moment, and counts as alive to {@link ProcessHandle#isAlive}. False where there is no such file
   * (another system, a process gone).
   */
  static boolean isZombie(long pid) {
    String stat;
    try {
      stat =
          java.nio.file.Files.readString(
              java.nio.file.Path.of("/proc", Long.toString(pid), "stat"));
    } catch (java.io.IOException | RuntimeException e) {
      return false;
    }
    // "PID (COMMAND) STATE …": the command may hold spaces and parentheses, the state follows the
    // last closing one.
    int close = stat.lastIndexOf(')');
    return close > 0 && close + 2 < stat.length() && stat.charAt(close + 2) == 'Z';
  }

  private static boolean fresh(Holder holder, Instant now) {
    return !holder.released() && holder.at().plus(EXPIRY).isAfter(now);
  }

  /** The lease as stored: who, when; {@code released} once given up. */
  record Holder(String owner, Instant at) {
    boolean released() {
      return owner.equals(RELEASED);
    }

    static Optional<Holder> parse(String value) {
      int space = value.lastIndexOf(' ');
      if (space <= 0) {
        return Optional.empty();
      }
      try {
        return Optional.of(
            new Holder(
                value.substring(0, space),
                Instant.ofEpochMilli(Long.parseLong(value.substring(space + 1)))));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }
  }
}
