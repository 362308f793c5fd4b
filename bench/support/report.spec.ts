import {
  chartedRatios,
  markdownTable,
  ratioChart,
  ratioTable,
  ratioText,
  renderReadmeSection,
  renderReport,
  replaceBetween,
} from './report.js';
import type { BenchOutcome, MachineInfo } from './report.js';
import { meetsTarget } from './summary.js';

const machine: MachineInfo = {
  os: 'Linux 6.1.0 x64',
  cpu: 'Example CPU @ 2.00GHz',
  cores: 2,
  memoryGiB: 23.5,
  node: 'v20.20.2',
  load: { start: 1.25, end: 1.5 },
  commit: 'abc1234',
};

const outcomes: BenchOutcome[] = [
  {
    name: 'bench:batch',
    command: 'tsx bench/batch.ts --json <summary.json>',
    seconds: 12.4,
    exitCode: 0,
    summary: {
      name: 'bench:batch',
      title: 'Summary',
      rows: [
        { mode: 'json', 'median wall ms': 459, result: 'met' },
        { mode: 'nd|json', 'median wall ms': 441, extra: true },
      ],
      ratios: [
        { label: 'wall / ideal', value: 1.15, target: 1.2, better: 'lower' },
        { label: 'broken', value: Number.NaN },
      ],
      notes: ['16 cold URLs'],
    },
  },
  {
    name: 'bench:http',
    command: 'tsx bench/http.ts --json <summary.json>',
    seconds: 3,
    exitCode: 1,
    problem: 'it exited with code 1',
  },
  {
    name: 'bench:event-loop',
    command: 'tsx bench/event-loop.ts --json <summary.json>',
    seconds: 30,
    exitCode: 0,
    summary: {
      name: 'bench:event-loop',
      rows: [],
      ratios: [
        { label: 'p99, main / pool', value: 3.4 },
        { label: 'hit / test', value: 0.5, target: 0.85 },
      ],
      notes: [],
    },
  },
];

describe('meetsTarget', () => {
  it('compares with the target in the direction that is better, and has no verdict without one', () => {
    expect(meetsTarget({ label: 'a', value: 0.9, target: 0.85 })).toBe(true);
    expect(meetsTarget({ label: 'a', value: 0.8, target: 0.85 })).toBe(false);
    expect(meetsTarget({ label: 'a', value: 1.1, target: 1.2, better: 'lower' })).toBe(true);
    expect(meetsTarget({ label: 'a', value: 1.3, target: 1.2, better: 'lower' })).toBe(false);
    expect(meetsTarget({ label: 'a', value: 1 })).toBeUndefined();
  });
});

describe('markdownTable', () => {
  it('has a column for every key in first-appearance order, numbers right-aligned, pipes escaped, gaps as dashes', () => {
    expect(markdownTable(outcomes[0].summary?.rows ?? [])).toBe(
      [
        '| mode | median wall ms | result | extra |',
        '| --- | ---: | --- | --- |',
        '| json | 459 | met | – |',
        '| nd\\|json | 441 | – | yes |',
      ].join('\n'),
    );
  });

  it('says so when there are no rows', () => {
    expect(markdownTable([])).toBe('_no rows_');
  });
});

describe('ratios', () => {
  it('collects the finite ratios of every bench with its name, and tabulates them with their verdicts', () => {
    const ratios = chartedRatios(outcomes);
    expect(ratios.map((ratio) => `${ratio.bench}: ${ratio.label}`)).toEqual([
      'bench:batch: wall / ideal',
      'bench:event-loop: p99, main / pool',
      'bench:event-loop: hit / test',
    ]);
    expect(ratioTable(ratios)).toBe(
      [
        '| bench | ratio | value | target | result |',
        '| --- | --- | ---: | --- | --- |',
        '| bench:batch | wall / ideal | 1.15 | ≤ 1.2 | met |',
        '| bench:event-loop | p99, main / pool | 3.4 | – | – |',
        '| bench:event-loop | hit / test | 0.5 | ≥ 0.85 | **missed** |',
      ].join('\n'),
    );
  });

  it('writes a ratio with two decimals, or two significant digits below 0.1', () => {
    expect([0.4768663436387805, 1.15, 3.4, 0.5, 0.023811446042926218, 9.275, 0].map(ratioText)).toEqual([
      '0.48',
      '1.15',
      '3.4',
      '0.5',
      '0.024',
      '9.28',
      '0',
    ]);
  });

  it('charts one bar per ratio, coloured by verdict, with target ticks, as well-formed SVG', () => {
    const svg = ratioChart(chartedRatios(outcomes), 'Benchmarks <2026-12-01>');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('Benchmarks &lt;2026-12-01&gt;');
    expect(svg.match(/<rect x="\d+" y="\d+" width="[\d.]+" height="18" rx="4" fill="(#[0-9a-f]{6})"\/>/g)).toHaveLength(
      3,
    );
    expect([...svg.matchAll(/height="18" rx="4" fill="(#[0-9a-f]{6})"/g)].map((match) => match[1])).toEqual([
      '#16a34a',
      '#4f46e5',
      '#dc2626',
    ]);
    // Two target ticks, and the legend's.
    expect(svg.match(/stroke-width="2"/g)).toHaveLength(3);
    expect(svg).toContain('>bench:batch</text>');
    expect(svg).toContain('>1.15×</text>');
  });
});

describe('renderReport', () => {
  it('describes the machine, links the chart and shows each bench, also one that failed', () => {
    const text = renderReport({
      date: '2026-12-01',
      command: 'npm run bench',
      quick: false,
      machine,
      outcomes,
      chartFile: '2026-12-01.svg',
    });
    expect(text).toContain('# Benchmark results, 2026-12-01\n');
    expect(text).toContain('| CPU | 2 × Example CPU @ 2.00GHz |');
    expect(text).toContain('| load (1 min) | 1.25 at start, 1.50 at end |');
    expect(text).toContain('![Ratios](2026-12-01.svg)');
    expect(text).toContain(
      '## bench:batch\n\n`tsx bench/batch.ts --json <summary.json>`, 12 s\n\n- 16 cold URLs\n\n**Summary**',
    );
    expect(text).toContain(
      '## bench:http\n\n`tsx bench/http.ts --json <summary.json>`, 3 s\n\nNo summary: it exited with code 1.',
    );
    expect(text).toContain('## bench:event-loop\n\n`tsx bench/event-loop.ts --json <summary.json>`, 30 s\n\n_no rows_');
  });
});

describe('renderReadmeSection', () => {
  it('names the run and the machine, shows the chart and the ratio table, and links the report', () => {
    const report = {
      date: '2026-12-01',
      command: 'npm run bench',
      quick: false,
      machine,
      outcomes,
      chartFile: 'x.svg',
    };
    expect(renderReadmeSection(report, 'bench/results/2026-12-01.md', 'bench/results/2026-12-01.svg')).toBe(
      [
        'Latest run: 2026-12-01, 2 × Example CPU @ 2.00GHz, 23.5 GiB, Linux 6.1.0 x64, Node v20.20.2, load 1.3 → 1.5,',
        'commit abc1234. Every figure is a ratio of two measurements taken side by side in that run; the full tables',
        'and how each was measured are in [bench/results/2026-12-01.md](bench/results/2026-12-01.md).',
        '',
        '![Benchmark ratios](bench/results/2026-12-01.svg)',
        '',
        ratioTable(chartedRatios(outcomes)),
      ].join('\n'),
    );
  });
});

describe('replaceBetween', () => {
  it('replaces what is between the markers and keeps them', () => {
    expect(replaceBetween('a\n<!-- s -->\nold\n<!-- e -->\nb', '<!-- s -->', '<!-- e -->', 'new')).toBe(
      'a\n<!-- s -->\nnew\n<!-- e -->\nb',
    );
  });

  it('throws when a marker is missing', () => {
    expect(() => replaceBetween('text', '<!-- s -->', '<!-- e -->', 'new')).toThrow(
      'markers <!-- s --> … <!-- e --> not found',
    );
  });
});
