package io.cdcrelay.sink;

import io.cdcrelay.change.DeadLetter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Base64;
import java.util.List;

/**
 * Stores records set aside: next to their target table, or in the state schema for records with no
 * target table. A dead letter that cannot be stored fails the batch: none is ever lost.
 */
final class DeadLetterWriter {

  private final TargetSession session;
  private final TableSchemas schemas;

  DeadLetterWriter(TargetSession session, TableSchemas schemas) {
    this.session = session;
    this.schemas = schemas;
  }

  /**
   * Stores records set aside: in the dead-letter table next to their target table, or in the state
   * schema's for records with no target table ({@code table} null).
   */
  void deadLetter(TableName table, List<DeadLetter> letters) {
    if (letters.isEmpty()) {
      return;
    }
    session.connect();
    TableName deadLetters;
    if (table == null) {
      session.connectState();
      deadLetters = session.state().deadLetters();
    } else {
      deadLetters = table.sibling(JdbcTarget.DEAD_LETTER_SUFFIX);
    }
    try {
      TableSchemas.TableState known = table == null ? null : schemas.entry(table);
      if (table == null || !known.deadLetterTableReady) {
        session.createIfAbsent(session.sql().createDeadLetterTable(deadLetters));
        if (known != null) {
          known.deadLetterTableReady = true;
        }
      }
      try (PreparedStatement statement =
          session.connection().prepareStatement(session.sql().insertDeadLetter(deadLetters))) {
        Timestamp now = Timestamp.from(session.clock().instant());
        for (DeadLetter letter : letters) {
          statement.setString(1, letter.source().shardId());
          statement.setString(2, letter.source().sequenceNumber());
          statement.setString(3, letter.stage());
          statement.setString(4, storable(letter.reason()));
          statement.setString(5, storable(utf8OrNull(letter.source().data())));
          statement.setString(6, Base64.getEncoder().encodeToString(letter.source().data()));
          statement.setTimestamp(7, now);
          statement.addBatch();
        }
        int[] counts = statement.executeBatch();
        for (int i = 0; i < counts.length; i++) {
          if (counts[i] != 1) {
            throw new TargetUnavailableException(
                "the dead-letter table "
                    + deadLetters
                    + " did not store the record "
                    + letters.get(i).source()
                    + " ("
                    + RowCounts.error(counts[i])
                    + ")",
                null);
          }
        }
      }
    } catch (SQLException e) {
      // Dead letters must not be lost: any failure to store them fails the batch for a retry.
      throw new TargetUnavailableException(
          "storing "
              + letters.size()
              + " dead letters in "
              + deadLetters
              + ": "
              + SqlErrors.describe(e),
          e);
    }
  }

  /**
   * The text with U+0000 as U+FFFD: PostgreSQL's TEXT refuses the character, and a dead letter
   * refused would fail its batch for good. The record's exact bytes are in {@code payload_base64},
   * which replays read.
   */
  static String storable(String text) {
    return text == null || text.indexOf('\u0000') < 0 ? text : text.replace('\u0000', '\uFFFD');
  }

  private static String utf8OrNull(byte[] data) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(data))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
