/**
 * Artifacts for policy tests, built by the library's own renderers (the
 * same functions synthesis uses), so a rule is tested against what the
 * library really writes; mutations then break one thing at a time.
 */
import { Document, parseDocument, isMap, isSeq } from 'yaml';
import type { HostModel } from '../../lib/model/types';
import { renderStackArtifacts } from '../../lib/synth/stack-artifacts';
import { renderRootfs } from '../../lib/render/rootfs';
import { rootfsContributors } from '../../lib/render/contributors';
import { lint, type LintOptions, type LintReport, type RuleRun } from '../../lib/policy/engine';
import { artifactStore, createStack } from '../../lib/policy/stack';
import type { PolicyConfig } from '../../lib/policy/config';
import { exampleHostModel } from '../fixtures/host-model';
import { STACK_PROPS } from '../helpers/example-props';

export type Files = Map<string, string>;

/** The two hosts of the example app (CONTRACT.md section 6). */
export function exampleModels(): HostModel[] {
  return [exampleHostModel('lists1001.example.org', 'dc1', 'A'), exampleHostModel('lists2001.example.org', 'dc2', 'B')];
}

const cache = new Map<string, Promise<Files>>();

/** Everything synthesis writes for these hosts (relative path -> text). */
export function buildArtifacts(models: readonly HostModel[] = exampleModels()): Promise<Files> {
  const key = JSON.stringify(models);
  let files = cache.get(key);
  if (!files) {
    files = (async () => {
      const rendered = await renderStackArtifacts(
        models.map((model) => ({ model, rootfs: renderRootfs(model, rootfsContributors) })),
        STACK_PROPS.monitoring,
      );
      return new Map([...rendered].map(([path, file]) => [path, file.content]));
    })();
    cache.set(key, files);
  }
  return files.then((f) => new Map(f));
}

/** Lints in-memory artifacts as one stack `lists`. */
export function lintFiles(files: Files, models: readonly HostModel[], options: LintOptions & { config?: PolicyConfig } = {}): LintReport {
  const stack = createStack('lists', artifactStore(files, 'stacks/lists/'), models.map((model) => ({ model, source: { file: `stacks/lists/hosts/${model.fqdn}/host.json`, pointer: '' } })));
  return lint({ hosts: stack.hosts, stacks: [stack], mode: 'artifacts', config: options.config }, { today: '2025-06-01', ...options });
}

/** Lints host models alone, as from a spec file. */
export function lintModels(models: readonly HostModel[], options: LintOptions & { config?: PolicyConfig } = {}): LintReport {
  const hosts = models.map((model, i) => ({ model, stack: null, source: { file: 'hosts.yaml', pointer: `/${i}` } }));
  return lint({ hosts, stacks: [], mode: 'spec', config: options.config }, { today: '2025-06-01', ...options });
}

export function runsOf(report: LintReport, ruleId: string): RuleRun[] {
  return report.runs.filter((run) => run.rule.id === ruleId);
}

/** The run of a rule for a host FQDN or `stack:<name>`. */
export function runFor(report: LintReport, ruleId: string, target: string): RuleRun {
  const run = report.runs.find((r) => r.rule.id === ruleId && r.targetName === target);
  if (!run) throw new Error(`no run of ${ruleId} for ${target}; targets: ${runsOf(report, ruleId).map((r) => r.targetName).join(', ')}`);
  return run;
}

export function messages(report: LintReport, ruleId: string): string[] {
  return report.findings.filter((f) => f.rule.id === ruleId).map((f) => f.message);
}

/** A deep copy of a model with changes applied. */
export function changed(model: HostModel, change: (m: any) => void): HostModel {
  const copy = JSON.parse(JSON.stringify(model));
  change(copy);
  return copy;
}

export const RULES_YML = 'monitoring/prometheus/rules.yml';

/** rules.yml with the alerting rules for which `drop` is true removed (YAML-aware, keeps the rest as written). */
export function withoutAlerts(text: string, drop: (rule: { alert?: string; labels?: Record<string, string>; expr?: string }) => boolean): string {
  const doc = parseDocument(text);
  const groups = doc.get('groups');
  if (!isSeq(groups)) throw new Error('rules.yml has no groups');
  let removed = 0;
  for (const group of groups.items) {
    if (!isMap(group)) continue;
    const rules = group.get('rules');
    if (!isSeq(rules)) continue;
    const before = rules.items.length;
    rules.items = rules.items.filter((item) => !(isMap(item) && drop(item.toJSON())));
    removed += before - rules.items.length;
  }
  if (removed === 0) throw new Error('withoutAlerts removed nothing; the test would prove nothing');
  return doc.toString({ lineWidth: 0 });
}

/** rules.yml with each alerting rule passed through `edit` (returns the new rule object). */
export function editAlerts(text: string, edit: (rule: any) => any): string {
  const doc = parseDocument(text);
  const json = doc.toJSON() as { groups: { rules: any[] }[] };
  for (const group of json.groups) group.rules = group.rules.map((r) => (r.alert ? edit(JSON.parse(JSON.stringify(r))) : r));
  return new Document(json).toString({ lineWidth: 0 });
}

/** Replaces text in a file, failing when the text is not there (so a test cannot silently test nothing). */
export function replaceIn(files: Files, path: string, from: string | RegExp, to: string): void {
  const text = files.get(path);
  if (text === undefined) throw new Error(`${path} is not among the artifacts`);
  const next = text.replace(from, to);
  if (next === text) throw new Error(`${path} does not contain ${String(from)}`);
  files.set(path, next);
}
