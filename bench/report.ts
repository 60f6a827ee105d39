/**
 * The benchmark's figures and tables (bench/run.ts measures): medians of
 * the measurements of each side, the ratios between them, and the last
 * line's JSON (issue 6).
 */

export interface Measurement {
  readonly wallMs: number;
  /** Peak RSS in KiB, from the child's rss probe. */
  readonly rssKb: number;
  /** The child's own JSON line, when it prints one. */
  readonly report: Record<string, number>;
}

export interface Result {
  readonly hosts: number;
  readonly stacks: number;
  readonly runs: number;
  readonly synth: readonly Measurement[];
  readonly baseline: readonly Measurement[];
  readonly shaped: readonly Measurement[] | null;
  readonly lint: readonly Measurement[] | null;
  readonly floor: readonly Measurement[] | null;
  readonly write: readonly Measurement[] | null;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export interface Figures {
  readonly hosts: number;
  readonly synth_ms: number;
  readonly baseline_ms: number;
  readonly lint_ms: number | null;
  readonly parse_floor_ms: number | null;
  readonly peak_rss_mb: number;
}

const wall = (ms: readonly Measurement[]) => median(ms.map((m) => m.wallMs));
const inProcess = (ms: readonly Measurement[], key: string) => median(ms.map((m) => m.report[key] ?? NaN));
const peakMb = (ms: readonly Measurement[]) => Math.max(...ms.map((m) => m.rssKb)) / 1024;
const round = (n: number) => Math.round(n);
const fmt = (n: number | null | undefined, digits = 0) => (n === null || n === undefined || Number.isNaN(n) ? 'n/a' : n.toFixed(digits));

export function figures(r: Result): Figures {
  return {
    hosts: r.hosts,
    synth_ms: round(wall(r.synth)),
    baseline_ms: round(wall(r.baseline)),
    lint_ms: r.lint && r.lint.length > 0 ? round(wall(r.lint)) : null,
    parse_floor_ms: r.floor && r.floor.length > 0 ? round(wall(r.floor)) : null,
    peak_rss_mb: round(peakMb(r.synth)),
  };
}

export function mainTable(results: readonly Result[]): string {
  const rows = results.map((r) => {
    const f = figures(r);
    const cells = [
      r.hosts,
      r.stacks,
      r.runs,
      f.synth_ms,
      f.baseline_ms,
      `${fmt(f.synth_ms / f.baseline_ms, 2)}x`,
      r.shaped ? fmt(wall(r.shaped)) : 'n/a',
      r.shaped ? `${fmt(f.synth_ms / wall(r.shaped), 2)}x` : 'n/a',
      fmt(f.lint_ms),
      fmt(f.parse_floor_ms),
      f.lint_ms !== null && f.parse_floor_ms !== null ? `${fmt(f.lint_ms / f.parse_floor_ms, 2)}x` : 'n/a',
      fmt(peakMb(r.synth)),
      fmt(peakMb(r.baseline)),
      r.lint && r.lint.length > 0 ? fmt(peakMb(r.lint)) : 'n/a',
    ];
    return `| ${cells.join(' | ')} |`;
  });
  return [
    '| hosts | stacks | runs | synth ms | baseline ms | synth / baseline | shaped baseline ms | synth / shaped | lint ms | parse floor ms | lint / floor | synth peak RSS MiB | baseline peak RSS MiB | lint peak RSS MiB |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
}

export function phaseTable(results: readonly Result[]): string {
  const rows = results.map((r) => {
    const w = r.write && r.write.length > 0 ? r.write : null;
    return `| ${[
      r.hosts,
      fmt(inProcess(r.synth, 'load_ms')),
      fmt(inProcess(r.synth, 'construct_ms')),
      fmt(inProcess(r.synth, 'synth_ms')),
      fmt(inProcess(r.baseline, 'load_ms')),
      fmt(inProcess(r.baseline, 'construct_ms')),
      fmt(inProcess(r.baseline, 'synth_ms')),
      r.shaped ? fmt(inProcess(r.shaped, 'synth_ms')) : 'n/a',
      w ? fmt(inProcess(w, 'write_ms')) : 'n/a',
      w ? String(w[0].report.files) : 'n/a',
      w ? fmt(w[0].report.bytes / 1024 / 1024, 1) : 'n/a',
    ].join(' | ')} |`;
  });
  return [
    'In-process medians (ms): module loading, building the construct tree, synthesize(app) / app.synth(); write floor: writing the synth\'s files with plain mkdir + writeFileSync.',
    '',
    '| hosts | synth: load | synth: construct | synth: synthesize | baseline: load | baseline: construct | baseline: app.synth | shaped: app.synth | write floor ms | files written | MiB written |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
}

export function growth(results: readonly Result[]): string[] {
  const lines: string[] = [];
  for (let i = 1; i < results.length; i++) {
    const a = figures(results[i - 1]);
    const b = figures(results[i]);
    const hostsRatio = b.hosts / a.hosts;
    lines.push(
      `growth ${a.hosts} -> ${b.hosts} hosts (${fmt(hostsRatio, 1)}x): synth ${fmt(b.synth_ms / a.synth_ms, 2)}x, baseline ${fmt(b.baseline_ms / a.baseline_ms, 2)}x` +
        (a.lint_ms !== null && b.lint_ms !== null ? `, lint ${fmt(b.lint_ms / a.lint_ms, 2)}x` : ''),
    );
  }
  return lines;
}
