import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { parser } from '@prometheus-io/lezer-promql';
import { readRepoFile } from '../support/repo-files.js';
import { startTestApp } from '../support/test-app.js';

const DASHBOARD = 'deploy/grafana/link-preview-service.json';

interface Panel {
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: { expr: string; legendFormat?: string }[];
}

const SAMPLE_SUFFIXES: Record<string, string[]> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

/** Every series name a Prometheus text exposition declares (histogram and summary series included). */
function exportedNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    for (const suffix of SAMPLE_SUFFIXES[type] ?? ['']) names.add(`${name}${suffix}`);
  }
  return names;
}

/** The metric names a PromQL expression selects, parsed with Prometheus' own grammar; a syntax error throws. */
function metricNames(expr: string): string[] {
  // Grafana replaces its interval variables before Prometheus sees the query.
  const query = expr.replaceAll('$__rate_interval', '5m');
  const names: string[] = [];
  parser.parse(query).iterate({
    enter(node) {
      if (node.type.isError) throw new Error(`not PromQL at ${node.from}: ${query}`);
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector') {
        names.push(query.slice(node.from, node.to));
      }
    },
  });
  return names;
}

/** Each panel with the title of the row it sits under. */
function panelsByRow(panels: Panel[]): { row: string; panel: Panel }[] {
  let row = '';
  const placed: { row: string; panel: Panel }[] = [];
  for (const panel of panels) {
    if (panel.type === 'row') row = panel.title;
    else placed.push({ row, panel });
  }
  return placed;
}

describe('Grafana dashboard (deploy/grafana)', () => {
  const dashboard = JSON.parse(readRepoFile(DASHBOARD)) as {
    panels: Panel[];
    templating: { list: { definition?: string }[] };
  };
  const placed = panelsByRow(dashboard.panels);
  let exported: Set<string>;

  beforeAll(async () => {
    const app: NestFastifyApplication = await startTestApp();
    try {
      const res = await app.inject({ method: 'GET', url: '/metrics' });
      expect(res.statusCode).toBe(200);
      exported = exportedNames(res.body);
    } finally {
      await app.close();
    }
  });

  it('reads the exposition: histograms bring their _bucket, _sum and _count series', () => {
    expect(exported).toContain('http_request_duration_seconds_bucket');
    expect(exported).toContain('http_request_duration_seconds_count');
    expect(exported).toContain('preview_cache_answers_total');
    expect(exported).not.toContain('http_request_duration_seconds');
  });

  it('parses queries with the PromQL grammar, which refuses a broken one', () => {
    expect(metricNames('sum by (le) (rate(a_bucket{x="1"}[$__rate_interval])) / on() group_left b')).toEqual([
      'a_bucket',
      'b',
    ]);
    expect(() => metricNames('sum(rate(a_total[5m])')).toThrow('not PromQL');
  });

  it('has the panels operators need', () => {
    const titles = placed.map(({ panel }) => panel.title);
    expect(titles).toEqual(
      expect.arrayContaining([
        'Request rate by route',
        'Latency percentiles by route',
        'Preview cache hit ratio',
        'Upstream outcomes (preview builds)',
        'Upstream fetches by outcome',
        'Parse pool queue and utilization',
        'Rate limited (429)',
        'Cache store up',
      ]),
    );
  });

  it('gives every panel at least one query that selects a metric', () => {
    for (const { panel } of placed) {
      const names = (panel.targets ?? []).flatMap((target) => metricNames(target.expr));
      expect([panel.title, names.length > 0]).toEqual([panel.title, true]);
    }
  });

  it('uses only metrics the service exports, in every panel and variable', () => {
    const unknown = placed
      .flatMap(({ panel }) =>
        (panel.targets ?? []).flatMap((target) => metricNames(target.expr).map((name) => `${panel.title}: ${name}`)),
      )
      .filter((entry) => !exported.has(entry.slice(entry.lastIndexOf(': ') + 2)));
    expect(unknown).toEqual([]);
    for (const variable of dashboard.templating.list) {
      const metric = /label_values\((\w+)/.exec(variable.definition ?? '')?.[1];
      if (metric !== undefined) expect(exported).toContain(metric);
    }
  });

  it('names series only by labels their query keeps (`by (...)`)', () => {
    const unkept = placed.flatMap(({ panel }) =>
      (panel.targets ?? []).flatMap((target) => {
        const kept = new Set(
          [...target.expr.matchAll(/\bby \(([^)]*)\)/g)].flatMap(([, labels]) =>
            labels.split(',').map((l) => l.trim()),
          ),
        );
        const named = [...(target.legendFormat ?? '').matchAll(/\{\{(\w+)\}\}/g)].map(([, label]) => label);
        return named.filter((label) => !kept.has(label)).map((label) => `${panel.title}: ${label}`);
      }),
    );
    expect(unkept).toEqual([]);
  });

  it('shows the metrics operators alert on', () => {
    const used = new Set(placed.flatMap(({ panel }) => (panel.targets ?? []).flatMap((t) => metricNames(t.expr))));
    for (const name of [
      'upstream_fetches_total',
      'cache_requests_total',
      'cache_errors_total',
      'rate_limiter_errors_total',
      'single_flight_joins_total',
      'parse_pool_queue_length',
      'parse_pool_utilization',
      'batch_size_bucket',
      'auth_failures_total',
      'cache_store_up',
    ]) {
      expect([name, used.has(name)]).toEqual([name, true]);
    }
  });

  it('lays every panel under a row on a 24-column grid, no two overlapping', () => {
    expect(dashboard.panels[0].type).toBe('row');
    const cells = new Set<string>();
    const overlaps: string[] = [];
    for (const panel of dashboard.panels) {
      const { x, y, w, h } = panel.gridPos;
      expect([panel.title, x + w <= 24]).toEqual([panel.title, true]);
      for (let row = y; row < y + h; row++) {
        for (let column = x; column < x + w; column++) {
          const cell = `${column},${row}`;
          if (cells.has(cell)) overlaps.push(`${panel.title} at ${cell}`);
          cells.add(cell);
        }
      }
    }
    expect(overlaps).toEqual([]);
  });
});
