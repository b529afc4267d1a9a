import parsePrometheusTextFormat, { type ParsedFamily } from 'parse-prometheus-text-format';

export type { ParsedFamily };

/** An exposition read back by an independent parser: a scraper's view of it. */
export const parseExposition = (text: string): ParsedFamily[] => parsePrometheusTextFormat(text);

/**
 * Every sample of the exposition as `name{label=value,…} → value`, labels sorted. The parser folds
 * the series of a labelled histogram into one and drops their labels, so the histograms are read
 * with their TYPE lines removed: each `_bucket`, `_sum` and `_count` line is then a sample of its
 * own, parsed (names, labels, escapes, values) by the same parser.
 */
export function samples(text: string): Record<string, number> {
  const untyped = text.replace(/^# TYPE \S+ histogram\n/gm, '');
  return Object.fromEntries(
    parseExposition(untyped).flatMap((family) =>
      family.metrics.map((m) => [`${family.name}${labelKey(m.labels)}`, Number(m.value)] as const),
    ),
  );
}

/** The samples of one family (a histogram's `_bucket`, `_sum`, `_count` included). */
export function familySamples(text: string, name: string): Record<string, number> {
  return Object.fromEntries(
    Object.entries(samples(text)).filter(([key]) =>
      new RegExp(`^${name}(_bucket|_sum|_count)?(\\{|$)`).test(key),
    ),
  );
}

/** Every label value of every sample: what must never hold subscriber data or credentials. */
export function allLabelValues(text: string): string[] {
  const untyped = text.replace(/^# TYPE \S+ histogram\n/gm, '');
  return parseExposition(untyped).flatMap((f) => f.metrics.flatMap((m) => Object.values(m.labels ?? {})));
}

const labelKey = (labels: Record<string, string> | undefined) => {
  const pairs = Object.entries(labels ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  return pairs.length === 0 ? '' : `{${pairs.map(([k, v]) => `${k}=${v}`).join(',')}}`;
};
