/**
 * Evaluates the jsonnet mixin (lib/mixin/render.jsonnet) once per stack with
 * node-jsonnet and serializes what it returns: `rules.yml` as YAML with a
 * stable key order, each dashboard as indented JSON. The `jsonnet` CLI gives
 * the same JSON (see the comment at the top of render.jsonnet), so the same
 * serialization of its output gives the same bytes.
 *
 * node-jsonnet is Promise-only: call this outside the synchronous construct
 * tree (before `app.synth()` or in a step after it).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Jsonnet } from '@hanazuki/node-jsonnet';
import { stringify } from 'yaml';
import { openMixinCache, type MixinCache } from './mixin-cache';
import type { AlertSummary } from './runbooks/types';

/**
 * The package's `lib/mixin` source directory. tsc does not copy `.libsonnet`
 * files to `dist/`, so compiled code (dist/lib/monitoring) and tsx
 * (lib/monitoring) both walk up to the package root (the directory with
 * package.json and lib/mixin/mixin.libsonnet).
 */
export const mixinDirectory: string = findMixinDirectory(__dirname);

/** `lib/mixin` of the nearest package root at or above `start`. */
export function findMixinDirectory(start: string): string {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'lib', 'mixin');
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(candidate, 'mixin.libsonnet'))) {
      return candidate;
    }
    if (path.dirname(dir) === dir) {
      throw new Error(`cannot find lib/mixin/mixin.libsonnet in any parent directory of ${start}`);
    }
  }
}

export interface MixinOutput {
  /** The Prometheus rule file (alerting and recording rules). */
  readonly rulesYaml: string;
  /** Dashboard file name (`<uid>.json`) to its JSON text, names sorted. */
  readonly dashboards: Record<string, string>;
  /** The alerting rules of rules.yml in file order, for the runbooks. */
  readonly alerts: readonly AlertSummary[];
}

/** What render.jsonnet returns. */
export interface RenderedMixin {
  readonly 'rules.yml': { readonly groups: readonly Record<string, unknown>[] };
  readonly dashboards: Record<string, unknown>;
}

/**
 * Evaluations by `_config` (its JSON text), so stacks with the same config
 * (a fleet split into stacks of one service, the usual case) share one:
 * an evaluation costs about 0.35 s whatever the number of hosts
 * (docs/PERFORMANCE.md). The output is a pure function of the config and
 * the mixin sources. Bounded; a failed evaluation is not kept.
 */
const evaluations = new Map<string, Promise<MixinOutput>>();
const MAX_CACHED_EVALUATIONS = 16;

/**
 * Evaluates the mixin with these `_config` overrides (see mixinConfig) and
 * serializes it. The evaluation runs on libjsonnet's worker thread: start
 * it, do other work, then await it.
 */
export function evaluateMixin(config: object): Promise<MixinOutput> {
  const tla = JSON.stringify(config);
  let evaluation = evaluations.get(tla);
  if (evaluation === undefined) {
    evaluation = evaluateUncached(tla);
    evaluations.set(tla, evaluation);
    if (evaluations.size > MAX_CACHED_EVALUATIONS) evaluations.delete(evaluations.keys().next().value!);
    evaluation.catch(() => evaluations.delete(tla));
  }
  // Each caller gets its own dashboards record; the strings are immutable.
  return evaluation.then((out) => ({ ...out, dashboards: { ...out.dashboards } }));
}

let diskCache: MixinCache | undefined | null = null;

/** The on-disk cache (mixin-cache.ts), opened on first use; undefined when turned off. */
function mixinDiskCache(): MixinCache | undefined {
  if (diskCache === null) diskCache = openMixinCache(mixinDirectory, Jsonnet.version);
  return diskCache;
}

async function evaluateUncached(tla: string): Promise<MixinOutput> {
  const cache = mixinDiskCache();
  let json = cache?.read(tla);
  if (json === undefined) {
    json = await new Jsonnet()
      .tlaCode('config', tla)
      .addJpath(mixinDirectory)
      .evaluateFile(path.join(mixinDirectory, 'render.jsonnet'));
    cache?.write(tla, json);
  }
  return serializeMixin(JSON.parse(json) as RenderedMixin);
}

/** Serializes render.jsonnet's output; deterministic for equal input. */
export function serializeMixin(rendered: RenderedMixin): MixinOutput {
  const dashboards: Record<string, string> = {};
  for (const name of Object.keys(rendered.dashboards).sort()) {
    dashboards[name] = JSON.stringify(rendered.dashboards[name], null, 2) + '\n';
  }
  const ruleFile = rendered['rules.yml'];
  return { rulesYaml: renderRulesYaml(ruleFile), dashboards, alerts: alertSummaries(ruleFile) };
}

/**
 * The alerting rules as the runbooks read them, from the object rules.yml
 * is serialized from (parsing the YAML back cost about 30 ms per synth).
 */
function alertSummaries(ruleFile: RenderedMixin['rules.yml']): AlertSummary[] {
  return ruleFile.groups
    .flatMap((group) => group.rules as readonly Record<string, unknown>[])
    .filter((rule) => typeof rule.alert === 'string')
    .map((rule) => {
      const labels = (rule.labels ?? {}) as Record<string, string>;
      const annotations = (rule.annotations ?? {}) as Record<string, string>;
      return {
        alert: rule.alert as string,
        severity: labels.severity,
        summary: annotations.summary,
        description: annotations.description,
        expr: String(rule.expr),
        ...(rule.for === undefined ? {} : { for: String(rule.for) }),
      };
    });
}

const GROUP_KEYS = ['name', 'interval', 'limit', 'rules'];
const RULE_KEYS = ['record', 'alert', 'expr', 'for', 'keep_firing_for', 'labels', 'annotations'];

const ANNOTATION_KEYS = ['summary', 'description', 'runbook_url'];

/** Copy of `obj` with `first` keys in that order, then the rest sorted; nested maps likewise. */
function ordered(obj: Record<string, unknown>, first: readonly string[]): Record<string, unknown> {
  const keys = [...first.filter((k) => k in obj), ...Object.keys(obj).filter((k) => !first.includes(k)).sort()];
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const v = obj[k];
    const nested = k === 'annotations' ? ANNOTATION_KEYS : [];
    out[k] = v !== null && typeof v === 'object' && !Array.isArray(v) ? ordered(v as Record<string, unknown>, nested) : v;
  }
  return out;
}

/**
 * A Prometheus rule file as YAML: groups as given, keys in Prometheus'
 * usual order (alert/record, expr, for, labels, annotations), label and
 * annotation keys sorted, multi-line expressions as literal blocks, no
 * line folding.
 */
export function renderRulesYaml(ruleFile: { readonly groups: readonly Record<string, unknown>[] }): string {
  const groups = ruleFile.groups.map((g) => {
    const group = ordered(g, GROUP_KEYS);
    group.rules = (g.rules as Record<string, unknown>[]).map((r) => ordered(r, RULE_KEYS));
    return group;
  });
  const body = stringify({ groups }, { lineWidth: 0, indent: 2, indentSeq: true, sortMapEntries: false });
  return '# Generated by cdktf-listhost from its jsonnet mixin (monitoring/mixin/). Do not edit.\n' + body;
}
