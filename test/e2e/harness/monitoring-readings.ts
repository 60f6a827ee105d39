/**
 * Pure readers of what the monitoring reports, for the e2e scenarios:
 * process-exporter's per-group counts, the queue plugin's perfdata, a flag's
 * value in a check's argv, alerts for messages.
 */
import * as assert from 'node:assert/strict';
import { Samples, select, valueOf } from './exporters';
import type { VectorSample } from './prometheus';

/** process-exporter's groups: processes counted, and how many of them are zombies. */
export function groupCounts(s: Samples): Map<string, { numProcs: number; zombies: number }> {
  const m = new Map<string, { numProcs: number; zombies: number }>();
  for (const x of select(s, 'namedprocess_namegroup_num_procs')) {
    m.set(x.labels.groupname, {
      numProcs: x.value,
      zombies: valueOf(s, 'namedprocess_namegroup_states', { groupname: x.labels.groupname, state: 'Zombie' }) ?? 0,
    });
  }
  return m;
}

/** The queue plugin's perfdata: `messages=N;...` and `oldest_age=Ns;...`. */
export function pluginQueue(stdout: string): { messages: number; age: number } {
  const m = /\|\s*messages=(\d+);.*\boldest_age=(\d+)s;/.exec(stdout);
  assert.ok(m, `no perfdata in queue plugin output: ${stdout}`);
  return { messages: Number(m[1]), age: Number(m[2]) };
}

/** `a -> b` argv pairs: the value following `flag`. */
export function arg(argv: readonly string[], flag: string): string | undefined {
  const i = argv.indexOf(flag);
  return i < 0 ? undefined : argv[i + 1];
}

/** Alerts as their label sets, for assertion messages. */
export const describeAlerts = (a: readonly VectorSample[]) =>
  JSON.stringify(a.map((x) => ({ ...x.metric, __name__: undefined })));
