package io.cdcrelay.bench;

import java.util.Arrays;
import java.util.List;

/**
 * The summary of one figure measured in several rounds: median, lowest and highest.
 *
 * @param median the middle value (the mean of the two middle ones for an even count)
 * @param min the lowest value
 * @param max the highest value
 * @param rounds how many values
 */
public record Stats(double median, double min, double max, int rounds) {

  /** The summary of {@code values}; at least one. */
  public static Stats of(List<Double> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no values");
    }
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = sorted.length;
    double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    return new Stats(median, sorted[0], sorted[n - 1], n);
  }

  /** The summary of {@code values}; at least one. */
  public static Stats of(double... values) {
    return of(Arrays.stream(values).boxed().toList());
  }

  /** The spread, {@code (max - min) / median}, as a fraction; 0 for a median of 0. */
  public double spread() {
    return median == 0 ? 0 : (max - min) / median;
  }

  /** This median over {@code baseline}'s. */
  public double ratio(Stats baseline) {
    return median / baseline.median;
  }
}
