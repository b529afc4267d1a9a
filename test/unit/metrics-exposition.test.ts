import { describe, expect, it } from 'vitest';
import { Counter, Histogram, Registry } from '../../src/metrics/index.js';
import { parseExposition, samples } from '../support/metrics.js';

/** src/metrics/exposition.ts: the Prometheus text format 0.0.4, byte for byte. */
describe('Prometheus text exposition', () => {
  it('writes HELP and TYPE lines, then each series sorted by its labels', () => {
    const registry = new Registry();
    const requests = registry.counter('app_requests_total', 'Requests answered.', ['route', 'status']);
    requests.inc({ route: '/b', status: '200' });
    requests.inc({ route: '/a', status: '404' }, 2);
    requests.inc({ route: '/b', status: '200' });
    expect(registry.render()).toBe(
      [
        '# HELP app_requests_total Requests answered.',
        '# TYPE app_requests_total counter',
        'app_requests_total{route="/a",status="404"} 2',
        'app_requests_total{route="/b",status="200"} 2',
        '',
      ].join('\n'),
    );
  });

  it('counts through a series found once (labels()) into the same series as inc() and observe() with its labels', () => {
    const registry = new Registry();
    const requests = registry.counter('bound_total', 'Bound.', ['route']);
    const latency = registry.histogram('bound_seconds', 'Bound latency.', ['route'], [0.1, 1]);
    const series = requests.labels({ route: '/a' });
    const timing = latency.labels({ route: '/a' });
    series.inc();
    requests.inc({ route: '/a' });
    series.inc(3);
    timing.observe(0.05);
    latency.observe({ route: '/a' }, 0.5);
    expect(() => series.inc(-1)).toThrow('bound_total: a counter only goes up');
    expect(registry.render()).toBe(
      [
        '# HELP bound_total Bound.',
        '# TYPE bound_total counter',
        'bound_total{route="/a"} 5',
        '# HELP bound_seconds Bound latency.',
        '# TYPE bound_seconds histogram',
        'bound_seconds_bucket{route="/a",le="0.1"} 1',
        'bound_seconds_bucket{route="/a",le="1"} 2',
        'bound_seconds_bucket{route="/a",le="+Inf"} 2',
        'bound_seconds_sum{route="/a"} 0.55',
        'bound_seconds_count{route="/a"} 2',
        '',
      ].join('\n'),
    );
  });

  it('writes a counter without labels at zero before it is counted, and a labelled one with no series', () => {
    const registry = new Registry();
    registry.counter('plain_total', 'Plain.');
    registry.counter('labelled_total', 'Labelled.', ['code']);
    expect(registry.render()).toBe(
      [
        '# HELP plain_total Plain.',
        '# TYPE plain_total counter',
        'plain_total 0',
        '# HELP labelled_total Labelled.',
        '# TYPE labelled_total counter',
        '',
      ].join('\n'),
    );
  });

  it('escapes backslash, double quote and line feed in label values, backslash and line feed in HELP', () => {
    const registry = new Registry();
    const c = registry.counter('escaped_total', 'A \\ help\nover two lines "quoted"', ['v']);
    c.inc({ v: 'C:\\dir "x"\nnext' });
    expect(registry.render()).toBe(
      [
        '# HELP escaped_total A \\\\ help\\nover two lines "quoted"',
        '# TYPE escaped_total counter',
        'escaped_total{v="C:\\\\dir \\"x\\"\\nnext"} 1',
        '',
      ].join('\n'),
    );
    // A real parser gets the original values back.
    expect(parseExposition(registry.render())).toEqual([
      {
        name: 'escaped_total',
        help: 'A \\ help\nover two lines "quoted"',
        type: 'COUNTER',
        metrics: [{ labels: { v: 'C:\\dir "x"\nnext' }, value: '1' }],
      },
    ]);
  });

  it('writes a histogram as cumulative _bucket{le} series, +Inf, _sum and _count', () => {
    const registry = new Registry();
    const h = registry.histogram('latency_seconds', 'Latency.', ['route'], [0.1, 0.05, 1]);
    h.observe({ route: '/x' }, 0.05);
    h.observe({ route: '/x' }, 0.2);
    h.observe({ route: '/x' }, 7);
    h.observe({ route: '/y' }, 0);
    expect(registry.render()).toBe(
      [
        '# HELP latency_seconds Latency.',
        '# TYPE latency_seconds histogram',
        'latency_seconds_bucket{route="/x",le="0.05"} 1',
        'latency_seconds_bucket{route="/x",le="0.1"} 1',
        'latency_seconds_bucket{route="/x",le="1"} 2',
        'latency_seconds_bucket{route="/x",le="+Inf"} 3',
        'latency_seconds_sum{route="/x"} 7.25',
        'latency_seconds_count{route="/x"} 3',
        'latency_seconds_bucket{route="/y",le="0.05"} 1',
        'latency_seconds_bucket{route="/y",le="0.1"} 1',
        'latency_seconds_bucket{route="/y",le="1"} 1',
        'latency_seconds_bucket{route="/y",le="+Inf"} 1',
        'latency_seconds_sum{route="/y"} 0',
        'latency_seconds_count{route="/y"} 1',
        '',
      ].join('\n'),
    );
    // The parser reads labelled histograms sample by sample (test/support/metrics.ts).
    expect(samples(registry.render())).toEqual({
      'latency_seconds_bucket{le=0.05,route=/x}': 1,
      'latency_seconds_bucket{le=0.1,route=/x}': 1,
      'latency_seconds_bucket{le=1,route=/x}': 2,
      'latency_seconds_bucket{le=+Inf,route=/x}': 3,
      'latency_seconds_sum{route=/x}': 7.25,
      'latency_seconds_count{route=/x}': 3,
      'latency_seconds_bucket{le=0.05,route=/y}': 1,
      'latency_seconds_bucket{le=0.1,route=/y}': 1,
      'latency_seconds_bucket{le=1,route=/y}': 1,
      'latency_seconds_bucket{le=+Inf,route=/y}': 1,
      'latency_seconds_sum{route=/y}': 0,
      'latency_seconds_count{route=/y}': 1,
    });
  });

  it('writes a histogram without labels with le as its only label', () => {
    const h = new Histogram('t_seconds', 'T.', [], [1]);
    h.observe({}, 2);
    expect(h.render()).toBe(
      [
        '# HELP t_seconds T.',
        '# TYPE t_seconds histogram',
        't_seconds_bucket{le="1"} 0',
        't_seconds_bucket{le="+Inf"} 1',
        't_seconds_sum 2',
        't_seconds_count 1',
        '',
      ].join('\n'),
    );
    expect(parseExposition(h.render())).toEqual([
      {
        name: 't_seconds',
        help: 'T.',
        type: 'HISTOGRAM',
        metrics: [{ buckets: { '1': '0', '+Inf': '1' }, sum: '2', count: '1' }],
      },
    ]);
  });

  it('refuses bad metric and label names, reserved labels, duplicate families, bad buckets and decrements', () => {
    expect(() => new Counter('bad-name', 'x')).toThrow('invalid metric name: bad-name');
    expect(() => new Counter('ok_total', 'x', ['bad-label'])).toThrow(
      'invalid label name on ok_total: bad-label',
    );
    expect(() => new Counter('ok_total', 'x', ['__name'])).toThrow('invalid label name on ok_total: __name');
    expect(() => new Histogram('h', 'x', ['le'], [1])).toThrow('invalid label name on h: le');
    expect(() => new Histogram('h', 'x', [], [1, 1])).toThrow('h: buckets must be finite and distinct');
    expect(() => new Histogram('h', 'x', [], [Infinity])).toThrow('h: buckets must be finite and distinct');
    expect(() => new Counter('c_total', 'x').inc({}, -1)).toThrow('c_total: a counter only goes up');
    const registry = new Registry();
    registry.counter('twice_total', 'x');
    expect(() => registry.counter('twice_total', 'x')).toThrow('metric registered twice: twice_total');
  });
});
