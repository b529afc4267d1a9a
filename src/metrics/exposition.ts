/**
 * Counters and histograms with labels, written in the Prometheus text exposition format 0.0.4.
 * Web-standard and dependency-free, so the same registry runs on Node and in workerd: prom-client
 * reads process and event-loop state through Node APIs and cannot load in a Worker.
 */

/** The Content-Type a scraper expects for this format. */
export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
// `__` is reserved for Prometheus' own labels; `le` is the histogram's.
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Label values: backslash, double quote and line feed are the three escapes the format defines. */
const escapeLabelValue = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
/** HELP text escapes backslash and line feed only. */
const escapeHelp = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

/** Go's float formatting for the values that differ from JavaScript's. */
function formatValue(n: number): string {
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  if (Number.isNaN(n)) return 'NaN';
  return String(n);
}

type LabelValues<L extends string> = { readonly [K in L]: string };

interface Metric {
  render(): string;
}

abstract class Labelled<L extends string, S> implements Metric {
  private readonly series = new Map<string, { labels: string; state: S }>();

  constructor(
    readonly name: string,
    private readonly help: string,
    private readonly type: 'counter' | 'histogram',
    private readonly labelNames: readonly L[],
  ) {
    if (!METRIC_NAME.test(name)) throw new Error(`invalid metric name: ${name}`);
    for (const label of labelNames) {
      if (!LABEL_NAME.test(label) || label.startsWith('__') || label === 'le')
        throw new Error(`invalid label name on ${name}: ${label}`);
    }
  }

  protected abstract fresh(): S;
  protected abstract lines(labels: string, state: S): string[];

  /** The series of these label values, created at first use. */
  protected state(values: LabelValues<L>): S {
    const labels = this.labelNames.map((l) => `${l}="${escapeLabelValue(values[l])}"`).join(',');
    let entry = this.series.get(labels);
    if (entry === undefined) {
      entry = { labels, state: this.fresh() };
      this.series.set(labels, entry);
    }
    return entry.state;
  }

  render(): string {
    const head = `# HELP ${this.name} ${escapeHelp(this.help)}\n# TYPE ${this.name} ${this.type}\n`;
    // A metric without labels always has its one series, at zero until counted.
    if (this.labelNames.length === 0) this.state({} as LabelValues<L>);
    // Sorted, so that a scrape reads the same whatever order the series were first seen in.
    const entries = [...this.series.values()].sort((a, b) => (a.labels < b.labels ? -1 : 1));
    return head + entries.flatMap((e) => this.lines(e.labels, e.state).map((l) => `${l}\n`)).join('');
  }
}

const braces = (labels: string) => (labels === '' ? '' : `{${labels}}`);

export class Counter<L extends string = never> extends Labelled<L, { value: number }> {
  constructor(name: string, help: string, labelNames: readonly L[] = []) {
    super(name, help, 'counter', labelNames);
  }

  inc(labels: LabelValues<L>, by = 1): void {
    this.add(this.state(labels), by);
  }

  /** The series of these label values, to count on without naming them again (hot path). */
  labels(labels: LabelValues<L>): { inc(by?: number): void } {
    const state = this.state(labels);
    return { inc: (by = 1) => this.add(state, by) };
  }

  private add(state: { value: number }, by: number): void {
    if (!(by >= 0)) throw new Error(`${this.name}: a counter only goes up`);
    state.value += by;
  }

  protected fresh() {
    return { value: 0 };
  }

  protected lines(labels: string, s: { value: number }): string[] {
    return [`${this.name}${braces(labels)} ${formatValue(s.value)}`];
  }
}

type HistogramState = { counts: number[]; sum: number; count: number };

export class Histogram<L extends string = never> extends Labelled<L, HistogramState> {
  private readonly bounds: readonly number[];

  constructor(name: string, help: string, labelNames: readonly L[], buckets: readonly number[]) {
    super(name, help, 'histogram', labelNames);
    const sorted = [...buckets].sort((a, b) => a - b);
    if (sorted.some((b, i) => !Number.isFinite(b) || (i > 0 && b === sorted[i - 1])))
      throw new Error(`${name}: buckets must be finite and distinct (+Inf is implied)`);
    this.bounds = sorted;
  }

  observe(labels: LabelValues<L>, value: number): void {
    this.add(this.state(labels), value);
  }

  /** The series of these label values, to observe without naming them again (hot path). */
  labels(labels: LabelValues<L>): { observe(value: number): void } {
    const state = this.state(labels);
    return { observe: (value) => this.add(state, value) };
  }

  private add(s: HistogramState, value: number): void {
    // Stored per bucket; rendered cumulatively, as the format requires.
    let i = 0;
    while (i < this.bounds.length && !(value <= (this.bounds[i] as number))) i++; // NaN: no bucket
    if (i < this.bounds.length) s.counts[i] = (s.counts[i] ?? 0) + 1;
    s.sum += value;
    s.count += 1;
  }

  protected fresh(): HistogramState {
    return { counts: this.bounds.map(() => 0), sum: 0, count: 0 };
  }

  protected lines(labels: string, s: HistogramState): string[] {
    const sep = labels === '' ? '' : ',';
    let cumulative = 0;
    const buckets = this.bounds.map((bound, i) => {
      cumulative += s.counts[i] ?? 0;
      return `${this.name}_bucket{${labels}${sep}le="${formatValue(bound)}"} ${cumulative}`;
    });
    return [
      ...buckets,
      `${this.name}_bucket{${labels}${sep}le="+Inf"} ${s.count}`,
      `${this.name}_sum${braces(labels)} ${formatValue(s.sum)}`,
      `${this.name}_count${braces(labels)} ${s.count}`,
    ];
  }
}

/** The metrics of one process (or one Worker isolate), rendered together for a scrape. */
export class Registry {
  private readonly metrics = new Map<string, Metric>();

  counter<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return this.add(name, new Counter<L>(name, help, labelNames));
  }

  histogram<L extends string = never>(
    name: string,
    help: string,
    labelNames: readonly L[],
    buckets: readonly number[],
  ): Histogram<L> {
    return this.add(name, new Histogram<L>(name, help, labelNames, buckets));
  }

  /** The whole exposition; families in registration order, each with its HELP and TYPE lines. */
  render(): string {
    return [...this.metrics.values()].map((m) => m.render()).join('');
  }

  private add<M extends Metric>(name: string, metric: M): M {
    if (this.metrics.has(name)) throw new Error(`metric registered twice: ${name}`);
    this.metrics.set(name, metric);
    return metric;
  }
}
