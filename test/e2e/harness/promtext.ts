/**
 * A small parser for the Prometheus text exposition format (0.0.4), enough
 * for asserting on exporter output in tests: HELP/TYPE comments, labels with
 * escaped values, special float values and optional timestamps.
 */

export interface Sample {
  /** The sample's metric name (e.g. `foo_bucket`, not the family name). */
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  readonly timestampMs?: number;
}

export type Samples = Map<string, Sample[]>;

function parseValue(s: string): number {
  switch (s) {
    case '+Inf':
    case 'Inf':
      return Infinity;
    case '-Inf':
      return -Infinity;
    case 'NaN':
      return NaN;
    default: {
      const v = Number(s);
      if (s === '' || Number.isNaN(v)) throw new Error(`bad sample value "${s}"`);
      return v;
    }
  }
}

/** Parses `{a="x",b="y\"z"}` starting at `text[i] === '{'`; returns the labels and the index after `}`. */
function parseLabels(text: string, i: number): [Record<string, string>, number] {
  const labels: Record<string, string> = {};
  i++; // '{'
  for (;;) {
    while (text[i] === ' ' || text[i] === ',') i++;
    if (text[i] === '}') return [labels, i + 1];
    const m = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(text.slice(i));
    if (!m) throw new Error(`bad label name at column ${i}`);
    const name = m[0];
    i += name.length;
    while (text[i] === ' ') i++;
    if (text[i] !== '=') throw new Error(`expected '=' after label ${name}`);
    i++;
    while (text[i] === ' ') i++;
    if (text[i] !== '"') throw new Error(`expected '"' for label ${name}`);
    i++;
    let value = '';
    for (;;) {
      const c = text[i];
      if (c === undefined) throw new Error(`unterminated value for label ${name}`);
      if (c === '\\') {
        const n = text[i + 1];
        value += n === 'n' ? '\n' : n;
        i += 2;
        continue;
      }
      if (c === '"') {
        i++;
        break;
      }
      value += c;
      i++;
    }
    labels[name] = value;
  }
}

/** Parses a whole exposition; the result maps each sample name to its samples in input order. */
export function parsePrometheusText(text: string): Samples {
  const out: Samples = new Map();
  const lines = text.split('\n');
  for (let ln = 0; ln < lines.length; ln++) {
    const line = lines[ln].trim();
    if (line === '' || line.startsWith('#')) continue;
    try {
      const m = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
      if (!m) throw new Error('bad metric name');
      const name = m[0];
      let i = name.length;
      let labels: Record<string, string> = {};
      if (line[i] === '{') [labels, i] = parseLabels(line, i);
      const rest = line.slice(i).trim().split(/\s+/);
      const value = parseValue(rest[0] ?? '');
      const sample: Sample =
        rest.length > 1 ? { name, labels, value, timestampMs: Number(rest[1]) } : { name, labels, value };
      const list = out.get(name) ?? [];
      list.push(sample);
      out.set(name, list);
    } catch (e) {
      throw new Error(`line ${ln + 1}: ${(e as Error).message}: ${line}`);
    }
  }
  return out;
}

/** Samples of `name` whose labels include every pair in `match`. */
export function select(samples: Samples, name: string, match: Readonly<Record<string, string>> = {}): Sample[] {
  return (samples.get(name) ?? []).filter((s) => Object.entries(match).every(([k, v]) => s.labels[k] === v));
}

/** The value of the one sample of `name` matching `match`; undefined if none; throws if several. */
export function valueOf(
  samples: Samples,
  name: string,
  match: Readonly<Record<string, string>> = {},
): number | undefined {
  const found = select(samples, name, match);
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(match)}`);
  return found[0]?.value;
}
