/**
 * A real Prometheus (Debian 12's /usr/bin/prometheus) on a loopback port,
 * loaded with a rule file and scraping the test's exporters, plus
 * `promtool test rules` on series taken from it.
 *
 * Started and stopped by PID (with its start time, so a reused PID is never
 * signalled); its files live in a temp dir removed on stop.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChildProcess, spawn } from 'node:child_process';
import { stringify } from 'yaml';
import { ProcRef, freePort, procRef, run, signalRef, terminate, waitFor, ExecResult } from './proc';

export const PROMETHEUS_BIN = '/usr/bin/prometheus';
export const PROMTOOL_BIN = '/usr/bin/promtool';

export interface PrometheusOptions {
  /** The rule file's content (rules.yml). */
  readonly rulesYaml: string;
  /** `scrape_configs` entries. */
  readonly scrapeConfigs: readonly Record<string, unknown>[];
  /** `global.scrape_interval` and `evaluation_interval`. @default '1s' */
  readonly interval?: string;
}

/** One element of /api/v1/query's vector result. */
export interface VectorSample {
  readonly metric: Record<string, string>;
  readonly value: [number, string];
}

export interface RuleGroupState {
  readonly name: string;
  readonly file: string;
  /** RFC 3339. */
  readonly lastEvaluation: string;
  readonly rules: readonly { readonly name: string; readonly type: string; readonly health: string; readonly lastError?: string; readonly state?: string }[];
}

export interface PrometheusInstance {
  readonly url: string;
  readonly dir: string;
  readonly pid: number;
  readonly ref: ProcRef;
  readonly configFile: string;
  readonly rulesFile: string;
  /** stdout+stderr so far. */
  log(): string;
  /** Instant query; returns the vector (throws on an API error or a non-vector result). */
  query(q: string): Promise<VectorSample[]>;
  /** /api/v1/rules groups. */
  ruleGroups(): Promise<RuleGroupState[]>;
  /**
   * Waits (bounded) until every rule group has been evaluated `cycles` times
   * after now, so what the rules see includes every sample scraped before
   * this call. Fails when a rule reports an evaluation error.
   */
  waitForEvaluations(cycles?: number, timeoutMs?: number): Promise<void>;
  /** SIGTERM by PID, bounded wait, SIGKILL if needed; removes the dir. Idempotent. */
  stop(): Promise<void>;
}

const live = new Set<{ emergencyKill(): void }>();
let exitHookInstalled = false;

export async function startPrometheus(opts: PrometheusOptions): Promise<PrometheusInstance> {
  for (const bin of [PROMETHEUS_BIN, PROMTOOL_BIN]) {
    if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: install the prometheus Debian package (scripts/install-test-tools.sh)`);
  }
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const p of live) p.emergencyKill();
    });
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'listhost-e2e-prometheus-'));
  const rulesFile = path.join(dir, 'rules.yml');
  const configFile = path.join(dir, 'prometheus.yml');
  const interval = opts.interval ?? '1s';
  fs.writeFileSync(rulesFile, opts.rulesYaml);
  fs.writeFileSync(
    configFile,
    stringify(
      {
        global: { scrape_interval: interval, scrape_timeout: interval, evaluation_interval: interval },
        rule_files: [rulesFile],
        scrape_configs: opts.scrapeConfigs,
      },
      { lineWidth: 0 },
    ),
  );
  const check = await run(PROMTOOL_BIN, ['check', 'config', configFile]);
  if (check.code !== 0) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`promtool check config failed:\n${check.stdout}${check.stderr}`);
  }
  const port = await freePort();
  const logFile = path.join(dir, 'prometheus.log');
  const fd = fs.openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(
      PROMETHEUS_BIN,
      [`--config.file=${configFile}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`],
      { stdio: ['ignore', fd, fd], cwd: dir },
    );
  } finally {
    fs.closeSync(fd);
  }
  if (child.pid === undefined) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`could not spawn ${PROMETHEUS_BIN}`);
  }
  const ref = procRef(child.pid) ?? { pid: child.pid, startTime: '?' };
  const url = `http://127.0.0.1:${port}`;
  const log = () => {
    try {
      return fs.readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };
  let stopped = false;
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const entry = {
    emergencyKill() {
      if (!exited()) signalRef(ref, 'SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  live.add(entry);

  async function api<T>(p: string): Promise<T> {
    const res = await fetch(url + p, { signal: AbortSignal.timeout(10_000) });
    const body = (await res.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`GET ${p}: ${body.error ?? res.status}`);
    return body.data;
  }

  const inst: PrometheusInstance = {
    url,
    dir,
    pid: child.pid,
    ref,
    configFile,
    rulesFile,
    log,
    async query(q: string) {
      const data = await api<{ resultType: string; result: VectorSample[] }>(`/api/v1/query?query=${encodeURIComponent(q)}`);
      if (data.resultType !== 'vector') throw new Error(`query ${q} gave a ${data.resultType}, not a vector`);
      return data.result;
    },
    async ruleGroups() {
      return (await api<{ groups: RuleGroupState[] }>('/api/v1/rules')).groups;
    },
    async waitForEvaluations(cycles = 3, timeoutMs = 30_000) {
      const since = Date.now();
      let seen = new Map<string, number>();
      let count = 0;
      await waitFor(
        async () => {
          const groups = await inst.ruleGroups();
          if (groups.length === 0) throw new Error('Prometheus loaded no rule groups');
          for (const g of groups) {
            for (const r of g.rules) {
              if (r.health === 'err') throw new Error(`rule ${r.name} in group ${g.name} fails: ${r.lastError}`);
            }
          }
          const now = new Map(groups.map((g) => [g.name, Date.parse(g.lastEvaluation)]));
          const allAfter = [...now.values()].every((t) => t > since);
          const allNew = [...now].every(([n, t]) => seen.get(n) === undefined || t > seen.get(n)!);
          if (allAfter && allNew) {
            count++;
            seen = now;
          }
          return count >= cycles;
        },
        { timeoutMs, intervalMs: 200, what: `${cycles} rule evaluation cycles` },
        () => log().slice(-2000),
      );
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      live.delete(entry);
      try {
        if (!exited()) {
          const gone = new Promise<void>((r) => child.once('exit', () => r()));
          const left = await terminate([ref], { graceMs: 15_000 });
          if (left.length > 0) throw new Error(`prometheus (pid ${ref.pid}) survived SIGKILL`);
          await Promise.race([gone, new Promise((r) => setTimeout(r, 5_000))]);
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  try {
    await waitFor(
      async () => {
        if (exited()) throw new Error(`prometheus exited (${child.exitCode ?? child.signalCode}): ${log().slice(-2000)}`);
        const res = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2_000) }).catch(() => undefined);
        await res?.arrayBuffer();
        return res?.ok ?? false;
      },
      { timeoutMs: 30_000, intervalMs: 100, what: 'prometheus to be ready' },
      () => log().slice(-2000),
    );
  } catch (e) {
    await inst.stop().catch(() => undefined);
    throw e;
  }
  return inst;
}

/** `name{a="b",...}` in PromQL/promtool series notation (labels sorted, values escaped). */
export function seriesNotation(metric: Readonly<Record<string, string>>): string {
  const name = metric.__name__ ?? '';
  const labels = Object.keys(metric)
    .filter((k) => k !== '__name__')
    .sort()
    .map((k) => `${k}=${JSON.stringify(metric[k])}`);
  return `${name}{${labels.join(',')}}`;
}

/** A promtool `promql_expr_test`. */
export interface PromqlExprTest {
  readonly expr: string;
  readonly eval_time: string;
  readonly exp_samples: readonly { readonly labels: string; readonly value: number }[];
}

/**
 * `promtool test rules` over `rulesYaml` with these input series held at a
 * constant value (the value observed in a real scrape) every `interval` for
 * `samples` samples. Returns the exit status and output; status 0 means
 * every expectation held.
 */
export async function promtoolTestRules(opts: {
  readonly rulesYaml: string;
  readonly series: readonly VectorSample[];
  readonly interval?: string;
  readonly samples: number;
  readonly tests: readonly PromqlExprTest[];
}): Promise<ExecResult & { testFile: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'listhost-e2e-promtool-'));
  try {
    fs.writeFileSync(path.join(dir, 'rules.yml'), opts.rulesYaml);
    const testDoc = {
      rule_files: ['rules.yml'],
      evaluation_interval: opts.interval ?? '1m',
      tests: [
        {
          interval: opts.interval ?? '1m',
          input_series: opts.series.map((s) => ({ series: seriesNotation(s.metric), values: `${s.value[1]}x${opts.samples}` })),
          promql_expr_test: opts.tests,
        },
      ],
    };
    const testFile = stringify(testDoc, { lineWidth: 0 });
    fs.writeFileSync(path.join(dir, 'test.yml'), testFile);
    const r = await run(PROMTOOL_BIN, ['test', 'rules', 'test.yml'], { cwd: dir });
    return { ...r, testFile };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
