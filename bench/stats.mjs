/** Order statistics of a list of numbers (ms), rounded to 0.01 ms. */

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function summary(values) {
  if (values.length === 0) return { n: 0, median: null, min: null, max: null };
  return {
    n: values.length,
    median: round(median(values)),
    min: round(Math.min(...values)),
    max: round(Math.max(...values)),
  };
}

export const round = (value, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
