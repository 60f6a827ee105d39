/**
 * A stack's artifacts and the views the rules query, each parsed once on
 * first use and shared by every rule and every host.
 */
import { parse as parseYaml } from 'yaml';
import type { HostModel } from '../model/types';
import { parseIcingaConfig, type IcingaConfig } from './artifacts/icinga2';
import { parsePrometheusRules, type PrometheusRuleFile } from './artifacts/prometheus-rules';
import { LintInputError, oneLine } from './errors';
import type { ArtifactStore, HostUnderLint, StackIndex, StackUnderLint } from './types';

export const ARTIFACT_PATHS = {
  prometheusRules: 'monitoring/prometheus/rules.yml',
  icinga2Directory: 'monitoring/icinga2/',
  runbooksDirectory: 'monitoring/runbooks/',
  hostsDirectory: 'hosts/',
} as const;

export function hostJsonPath(fqdn: string): string {
  return `${ARTIFACT_PATHS.hostsDirectory}${fqdn}/host.json`;
}

export function rootfsPath(fqdn: string, absolute: string): string {
  return `${ARTIFACT_PATHS.hostsDirectory}${fqdn}/rootfs${absolute}`;
}

/** An artifact store over relative path -> text; `displayPrefix` is prepended for users (`cdktf.out/stacks/lists/`). */
export function artifactStore(files: ReadonlyMap<string, string>, displayPrefix: string): ArtifactStore {
  let sorted: string[] | undefined;
  return {
    get: (path) => files.get(path),
    has: (path) => files.has(path),
    paths: () => (sorted ??= [...files.keys()].sort()),
    display: (path) => `${displayPrefix}${path}`,
  };
}

function memo<T>(compute: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = compute();
      done = true;
    }
    return value;
  };
}

/** Text after the leading comment and blank lines (which cannot change a YAML document's value). */
function withoutLeadingComments(text: string): string {
  let i = 0;
  while (i < text.length) {
    const end = text.indexOf('\n', i);
    const line = text.slice(i, end < 0 ? text.length : end).trim();
    if (line !== '' && !line.startsWith('#')) break;
    if (end < 0) return '';
    i = end + 1;
  }
  return text.slice(i);
}

/**
 * Rule files by text, across stacks: every stack of a fleet usually writes
 * the same rules.yml (the rules are fleet-wide), and parsing it is about
 * 12 ms per stack. Only the file name shown to users differs. Bounded.
 */
const ruleFilesByText = new Map<string, PrometheusRuleFile>();
const MAX_CACHED_RULE_FILES = 8;

function prometheusRulesOf(text: string, file: string): PrometheusRuleFile {
  let parsed = ruleFilesByText.get(text);
  if (parsed === undefined) {
    parsed = parsePrometheusRules(text, file);
    if (ruleFilesByText.size >= MAX_CACHED_RULE_FILES) ruleFilesByText.delete(ruleFilesByText.keys().next().value!);
    ruleFilesByText.set(text, parsed);
  }
  return parsed.file === file ? parsed : { ...parsed, file };
}

export function stackIndex(artifacts: ArtifactStore): StackIndex {
  const yamlCache = new Map<string, unknown>();
  // Per-host files of a fleet differ mostly in their header comment: parse each distinct body once.
  const yamlByBody = new Map<string, unknown>();
  const byHost = memo(() => {
    const hosts = new Map<string, string[]>();
    const shared: string[] = [];
    for (const path of artifacts.paths()) {
      if (path.startsWith(ARTIFACT_PATHS.hostsDirectory)) {
        const fqdn = path.slice(ARTIFACT_PATHS.hostsDirectory.length).split('/')[0];
        const list = hosts.get(fqdn) ?? [];
        list.push(path);
        hosts.set(fqdn, list);
      } else {
        shared.push(path);
      }
    }
    return { hosts, shared };
  });
  const prometheus = memo((): PrometheusRuleFile | undefined => {
    const text = artifacts.get(ARTIFACT_PATHS.prometheusRules);
    return text === undefined ? undefined : prometheusRulesOf(text, artifacts.display(ARTIFACT_PATHS.prometheusRules));
  });
  const icinga = memo((): IcingaConfig | undefined => {
    const files = artifacts
      .paths()
      .filter((p) => p.startsWith(ARTIFACT_PATHS.icinga2Directory) && p.endsWith('.conf') && !p.slice(ARTIFACT_PATHS.icinga2Directory.length).includes('/'))
      .map((p) => ({ file: artifacts.display(p), text: artifacts.get(p)! }));
    return files.length === 0 ? undefined : parseIcingaConfig(files);
  });
  return {
    prometheus,
    icinga,
    rootfs: (fqdn, path) => artifacts.get(rootfsPath(fqdn, path)),
    parsedYaml(path) {
      if (yamlCache.has(path)) return yamlCache.get(path);
      const text = artifacts.get(path);
      let value: unknown;
      if (text !== undefined) {
        const body = withoutLeadingComments(text);
        if (yamlByBody.has(body)) value = yamlByBody.get(body);
        else {
          try {
            value = parseYaml(text, { uniqueKeys: true });
          } catch (error) {
            throw new LintInputError(artifacts.display(path), `malformed YAML: ${oneLine((error as Error).message)}`);
          }
          yamlByBody.set(body, value);
        }
      }
      yamlCache.set(path, value);
      return value;
    },
    hostFiles: (fqdn) => byHost().hosts.get(fqdn) ?? [],
    sharedFiles: () => byHost().shared,
  };
}

export interface HostSource {
  readonly model: HostModel;
  readonly source: { readonly file: string; readonly pointer: string };
  readonly constructPath?: string;
}

/** A stack under lint, its hosts pointing back at it. */
export function createStack(name: string, artifacts: ArtifactStore, hosts: readonly HostSource[]): StackUnderLint {
  const list: HostUnderLint[] = [];
  const stack: StackUnderLint = { name, artifacts, index: stackIndex(artifacts), hosts: list };
  for (const host of hosts) list.push({ ...host, stack });
  return stack;
}
