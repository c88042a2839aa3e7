package io.cdcrelay.snapshot;

import io.cdcrelay.change.AttributeValue;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;

/**
 * Converts between the AWS SDK's attribute values and the change model's, keeping numbers exact (as
 * their decimal text) and binary values as base64.
 */
public final class SdkItems {

  private SdkItems() {}

  /** An SDK item as a change-model item. */
  public static Map<String, AttributeValue> toModel(
      Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> item) {
    Map<String, AttributeValue> model = new LinkedHashMap<>(item.size() * 2);
    item.forEach((name, value) -> model.put(name, toModel(name, value)));
    return model;
  }

  private static AttributeValue toModel(
      String path, software.amazon.awssdk.services.dynamodb.model.AttributeValue value) {
    return switch (value.type()) {
      case S -> new AttributeValue.S(value.s());
      case N -> new AttributeValue.N(new BigDecimal(value.n()));
      case B -> new AttributeValue.B(base64(value.b()));
      case BOOL -> new AttributeValue.Bool(value.bool());
      case NUL -> AttributeValue.Null.INSTANCE;
      case M -> new AttributeValue.M(toModel(value.m()));
      case L -> {
        List<AttributeValue> list = new ArrayList<>(value.l().size());
        for (software.amazon.awssdk.services.dynamodb.model.AttributeValue element : value.l()) {
          list.add(toModel(path, element));
        }
        yield new AttributeValue.L(list);
      }
      case SS -> new AttributeValue.SS(value.ss());
      case NS -> new AttributeValue.NS(value.ns().stream().map(BigDecimal::new).toList());
      case BS -> new AttributeValue.BS(value.bs().stream().map(SdkItems::base64).toList());
      default ->
          throw new IllegalArgumentException(
              "attribute \"" + path + "\" has a type this relay does not know: " + value);
    };
  }

  /** A change-model item as an SDK item (for keys of requests). */
  public static Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> toSdk(
      Map<String, AttributeValue> item) {
    Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> sdk =
        new LinkedHashMap<>(item.size() * 2);
    item.forEach((name, value) -> sdk.put(name, toSdk(value)));
    return sdk;
  }

  private static software.amazon.awssdk.services.dynamodb.model.AttributeValue toSdk(
      AttributeValue value) {
    software.amazon.awssdk.services.dynamodb.model.AttributeValue.Builder b =
        software.amazon.awssdk.services.dynamodb.model.AttributeValue.builder();
    if (value instanceof AttributeValue.S s) {
      b.s(s.value());
    } else if (value instanceof AttributeValue.N n) {
      b.n(n.value().toString());
    } else if (value instanceof AttributeValue.B bin) {
      b.b(SdkBytes.fromByteArray(Base64.getDecoder().decode(bin.base64())));
    } else if (value instanceof AttributeValue.Bool bool) {
      b.bool(bool.value());
    } else if (value instanceof AttributeValue.Null) {
      b.nul(true);
    } else if (value instanceof AttributeValue.M m) {
      b.m(toSdk(m.value()));
    } else if (value instanceof AttributeValue.L l) {
      b.l(l.value().stream().map(SdkItems::toSdk).toList());
    } else if (value instanceof AttributeValue.SS ss) {
      b.ss(ss.value());
    } else if (value instanceof AttributeValue.NS ns) {
      b.ns(ns.value().stream().map(BigDecimal::toString).toList());
    } else if (value instanceof AttributeValue.BS bs) {
      b.bs(
          bs.value().stream()
              .map(s -> SdkBytes.fromByteArray(Base64.getDecoder().decode(s)))
              .toList());
    }
    return b.build();
  }

  private static String base64(SdkBytes bytes) {
    return Base64.getEncoder().encodeToString(bytes.asByteArrayUnsafe());
  }
}
