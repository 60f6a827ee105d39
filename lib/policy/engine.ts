/**
 * Runs every rule of the registry over every host, stack and input file,
 * then applies suppressions and the baseline. The same engine serves the
 * lint CLI (over a cdktf.out or a host spec) and synth-time validation
 * (over a stack's artifacts in memory).
 */
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fingerprint, type Baseline, type BaselineEntry } from './baseline';
import { DEFAULT_POLICY_CONFIG, type PolicyConfig } from './config';
import { RULES, ruleMeta, type RuleMeta } from './registry';
import { IMPLEMENTATIONS } from './rules';
import { isExpired, suppresses, todayUtc, type Suppression, type SuppressionSet } from './suppressions';
import type { FleetHost, HostUnderLint, LintContext, Location, RuleResult, StackUnderLint } from './types';

export type Target =
  | { readonly kind: 'host'; readonly name: string; readonly stack: string | null; readonly constructPath?: string }
  | { readonly kind: 'stack'; readonly name: string }
  | { readonly kind: 'source'; readonly name: string };

/** The name suppressions, baselines and reports use for a target. */
export function targetName(target: Target): string {
  return target.kind === 'stack' ? `stack:${target.name}` : target.name;
}

export type FindingState = 'open' | 'suppressed' | 'baselined';

export interface Finding {
  readonly rule: RuleMeta;
  readonly target: Target;
  readonly targetName: string;
  readonly message: string;
  readonly location: Location;
  readonly related: readonly Location[];
  readonly key: string;
  readonly fingerprint: string;
  readonly state: FindingState;
  readonly suppression?: Suppression;
}

export interface RuleRun {
  readonly rule: RuleMeta;
  readonly target: Target;
  readonly targetName: string;
  readonly status: 'pass' | 'fail' | 'not-applicable';
  readonly reason?: string;
  readonly findings: readonly Finding[];
}

export interface SuppressionUse {
  readonly entry: Suppression;
  readonly matched: number;
  readonly expired: boolean;
}

export interface LintReport {
  readonly tool: { readonly name: 'listhost'; readonly version: string };
  /** What was linted, as the user named it. */
  readonly input: string;
  readonly mode: LintContext['mode'];
  readonly strict: boolean;
  readonly today: string;
  readonly runs: readonly RuleRun[];
  /** Every finding, open, suppressed or baselined, in rule order. */
  readonly findings: readonly Finding[];
  readonly suppressions: { readonly file: string; readonly uses: readonly SuppressionUse[] } | null;
  readonly baseline: { readonly file: string; readonly matched: number; readonly stale: readonly BaselineEntry[] } | null;
  readonly summary: {
    readonly errors: number;
    readonly warnings: number;
    readonly suppressed: number;
    readonly baselined: number;
    readonly hosts: number;
    readonly stacks: number;
    readonly rules: number;
  };
  readonly exitCode: 0 | 1;
}

export interface LintOptions {
  readonly suppressions?: SuppressionSet;
  readonly baseline?: Baseline;
  /** YYYY-MM-DD (UTC); default today. */
  readonly today?: string;
  readonly strict?: boolean;
  /** Shown as the report's input. */
  readonly input?: string;
}

export interface LintInput {
  readonly hosts: readonly HostUnderLint[];
  readonly stacks: readonly StackUnderLint[];
  readonly sources?: readonly { readonly file: string; readonly text: string }[];
  readonly mode: LintContext['mode'];
  readonly fleetHosts?: readonly FleetHost[];
  readonly config?: PolicyConfig;
}

let version: string | undefined;

/** The package version (from the package.json above this module, compiled or not). */
export function toolVersion(): string {
  if (version) return version;
  version = '0.0.0';
  for (let dir = resolve(__dirname); ; dir = dirname(dir)) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      try {
        const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === 'cdktf-listhost' && typeof pkg.version === 'string') {
          version = pkg.version;
          break;
        }
      } catch {
        // keep walking
      }
    }
    if (dirname(dir) === dir) break;
  }
  return version;
}

export function createContext(input: LintInput): LintContext {
  return {
    hosts: input.hosts,
    stacks: input.stacks,
    fleetHosts: input.fleetHosts ?? input.hosts,
    sources: input.sources ?? [],
    config: input.config ?? DEFAULT_POLICY_CONFIG,
    mode: input.mode,
  };
}

export interface RawRun {
  readonly rule: RuleMeta;
  readonly target: Target;
  readonly result: RuleResult;
}

/** Every rule over every target, before suppressions. */
export function runRules(ctx: LintContext): RawRun[] {
  const runs: RawRun[] = [];
  for (const rule of RULES) {
    const impl = IMPLEMENTATIONS[rule.name];
    if (!impl) continue;
    if (impl.checkStack) {
      for (const stack of ctx.stacks) runs.push({ rule, target: { kind: 'stack', name: stack.name }, result: impl.checkStack(stack, ctx) });
    }
    if (impl.checkHost) {
      for (const host of ctx.hosts) {
        runs.push({
          rule,
          target: { kind: 'host', name: host.model.fqdn, stack: host.stack?.name ?? null, constructPath: host.constructPath },
          result: impl.checkHost(host, ctx),
        });
      }
    }
    if (impl.checkSource) {
      for (const source of ctx.sources) runs.push({ rule, target: { kind: 'source', name: source.file }, result: impl.checkSource(source, ctx) });
    }
  }
  return runs;
}

export function lint(input: LintInput, options: LintOptions = {}): LintReport {
  const ctx = createContext(input);
  return classify(ctx, runRules(ctx), options);
}

/** Applies suppressions and the baseline to the rules' results (cheap; run again with a new baseline). */
export function classify(ctx: LintContext, raw: readonly RawRun[], options: LintOptions = {}): LintReport {
  const today = options.today ?? todayUtc();
  const suppressionEntries = options.suppressions?.entries ?? [];
  const uses = suppressionEntries.map((entry) => ({ entry, matched: 0, expired: isExpired(entry, today) }));
  const baselineHits = new Set<string>();

  const runs: RuleRun[] = raw.map(({ rule, target, result }) => {
    const name = targetName(target);
    if (result.status !== 'non-compliant') {
      return { rule, target, targetName: name, status: result.status === 'compliant' ? 'pass' : 'not-applicable', reason: result.status === 'not-applicable' ? result.reason : undefined, findings: [] };
    }
    const findings = result.violations.map((v): Finding => {
      const fp = fingerprint(rule.id, name, v.key);
      const use = uses.find((u) => !u.expired && suppresses(u.entry, rule.id, name));
      let state: FindingState = 'open';
      if (use) {
        use.matched++;
        state = 'suppressed';
      } else if (rule.baselinable && options.baseline?.fingerprints.has(fp)) {
        baselineHits.add(fp);
        state = 'baselined';
      }
      return { rule, target, targetName: name, message: v.message, location: v.location, related: v.related ?? [], key: v.key, fingerprint: fp, state, suppression: use?.entry };
    });
    return { rule, target, targetName: name, status: 'fail', findings };
  });

  if (options.suppressions) {
    const file = options.suppressions.file;
    const target: Target = { kind: 'source', name: file };
    const meta = (id: string, entries: SuppressionUse[], message: (u: SuppressionUse) => string): RuleRun => {
      const rule = ruleMeta(id)!;
      const findings = entries.map((u): Finding => ({
        rule, target, targetName: file, message: message(u), location: u.entry.location, related: [],
        key: `${u.entry.rule}:${u.entry.host}:${u.entry.expires}`, fingerprint: fingerprint(id, file, `${u.entry.rule}:${u.entry.host}`), state: 'open',
      }));
      return { rule, target, targetName: file, status: findings.length > 0 ? 'fail' : 'pass', findings };
    };
    runs.push(
      meta('LH100', uses.filter((u) => u.expired), (u) => `the suppression of ${u.entry.rule} for ${u.entry.host} expired on ${u.entry.expires} (${JSON.stringify(u.entry.reason)}); its findings are reported again`),
      meta('LH101', uses.filter((u) => !u.expired && u.matched === 0), (u) => `the suppression of ${u.entry.rule} for ${u.entry.host} matches no finding; delete it`),
    );
  }

  const findings = runs.flatMap((run) => run.findings);
  const open = findings.filter((f) => f.state === 'open');
  const errors = open.filter((f) => f.rule.level === 'error').length;
  const warnings = open.filter((f) => f.rule.level === 'warning').length;
  const strict = options.strict ?? false;
  return {
    tool: { name: 'listhost', version: toolVersion() },
    input: options.input ?? '',
    mode: ctx.mode,
    strict,
    today,
    runs,
    findings,
    suppressions: options.suppressions ? { file: options.suppressions.file, uses } : null,
    baseline: options.baseline
      ? {
          file: options.baseline.file,
          matched: baselineHits.size,
          stale: options.baseline.entries.filter((e) => !baselineHits.has(fingerprint(e.rule, e.target, e.key))),
        }
      : null,
    summary: {
      errors,
      warnings,
      suppressed: findings.filter((f) => f.state === 'suppressed').length,
      baselined: findings.filter((f) => f.state === 'baselined').length,
      hosts: ctx.hosts.length,
      stacks: ctx.stacks.length,
      rules: RULES.length,
    },
    exitCode: errors > 0 || (strict && warnings > 0) ? 1 : 0,
  };
}

/** The open findings of a report as baseline entries (what `--write-baseline` writes). */
export function baselineEntries(report: LintReport): BaselineEntry[] {
  return report.findings
    .filter((f) => f.state !== 'suppressed' && f.rule.baselinable)
    .map((f) => ({ rule: f.rule.id, target: f.targetName, key: f.key, message: f.message }));
}
