/**
 * The policy engine's vocabulary: what a rule sees (hosts, stacks and their
 * artifacts as written) and what it returns (compliant, not applicable, or
 * violations with a location). Plain data; no cdktf types.
 */
import type { HostModel } from '../model/types';
import type { PolicyConfig } from './config';
import type { IcingaConfig } from './artifacts/icinga2';
import type { PrometheusRuleFile } from './artifacts/prometheus-rules';

export type Level = 'error' | 'warning';

/** Where a finding is: a file (as the user sees its path), and a line or a JSON pointer in it. */
export interface Location {
  /** Path as shown to the user (relative to the working directory when possible). */
  readonly file: string;
  /** 1-based line, when known. */
  readonly line?: number;
  /** JSON pointer into a JSON/YAML file (resolved to a line for reports). */
  readonly pointer?: string;
}

/** One breach of a rule. */
export interface Violation {
  readonly message: string;
  readonly location: Location;
  /** Further places that explain the breach (the host.json volume an uncovered alert is about). */
  readonly related?: readonly Location[];
  /**
   * Stable identity of the breach within its rule and target (`volume:/srv/restore`),
   * used by baselines: messages may change wording, keys must not.
   */
  readonly key: string;
}

export type RuleResult =
  | { readonly status: 'compliant' }
  | { readonly status: 'not-applicable'; readonly reason: string }
  | { readonly status: 'non-compliant'; readonly violations: readonly Violation[] };

export const compliant = (): RuleResult => ({ status: 'compliant' });
export const notApplicable = (reason: string): RuleResult => ({ status: 'not-applicable', reason });
/** Compliant when the list is empty. */
export function fromViolations(violations: readonly Violation[]): RuleResult {
  return violations.length === 0 ? compliant() : { status: 'non-compliant', violations };
}

/** The files of one stack, as written (or about to be written, at synth). */
export interface ArtifactStore {
  /** Relative posix path inside the stack directory -> text. */
  get(path: string): string | undefined;
  has(path: string): boolean;
  /** All relative paths, sorted. */
  paths(): readonly string[];
  /** The path as shown to the user (`cdktf.out/stacks/lists/monitoring/prometheus/rules.yml`). */
  display(path: string): string;
}

/** What a stack's artifacts say, parsed once per stack on first use. */
export interface StackIndex {
  /** monitoring/prometheus/rules.yml, or undefined when it was not written. */
  prometheus(): PrometheusRuleFile | undefined;
  /** monitoring/icinga2/*.conf, or undefined when none was written. */
  icinga(): IcingaConfig | undefined;
  /** A host's rootfs file (absolute path on the host), as written. */
  rootfs(fqdn: string, path: string): string | undefined;
  /** A YAML/JSON artifact parsed once (undefined when absent). */
  parsedYaml(path: string): unknown;
  /** Relative paths of the files under `hosts/<fqdn>/`. */
  hostFiles(fqdn: string): readonly string[];
  /** Relative paths of the files that belong to no host (monitoring/, cdk.tf.json, ...). */
  sharedFiles(): readonly string[];
}

export interface StackUnderLint {
  readonly name: string;
  readonly artifacts: ArtifactStore;
  readonly index: StackIndex;
  readonly hosts: readonly HostUnderLint[];
}

export interface HostUnderLint {
  readonly model: HostModel;
  /** The stack whose artifacts describe this host; null for a host spec file. */
  readonly stack: StackUnderLint | null;
  /** Where the model was read from: host.json, or the spec file with the host's pointer. */
  readonly source: { readonly file: string; readonly pointer: string };
  /** The construct path, at synth. */
  readonly constructPath?: string;
}

/**
 * A host platform uniformity compares with: what it runs and where its model
 * was read. Every HostUnderLint is one; at synth, the other stacks' hosts
 * come as no more than this (so the policy thread gets a small copy).
 */
export interface FleetHost {
  readonly model: Pick<HostModel, 'fqdn' | 'platform'>;
  readonly source: HostUnderLint['source'];
}

/** Everything a rule may look at. */
export interface LintContext {
  /** Every host of the app (all stacks, or every host of the spec file). */
  readonly hosts: readonly HostUnderLint[];
  readonly stacks: readonly StackUnderLint[];
  /** The hosts platform uniformity compares with (the whole app); defaults to `hosts`. */
  readonly fleetHosts: readonly FleetHost[];
  /** Files read that belong to no stack (a host spec file, manifest.json), scanned for secrets. */
  readonly sources: readonly { readonly file: string; readonly text: string }[];
  readonly config: PolicyConfig;
  /** 'artifacts': a cdktf.out or synth (artifacts exist); 'spec': a host spec file (model only). */
  readonly mode: 'artifacts' | 'spec';
}

/** A rule's implementation. A rule checks hosts, stacks, input files, or several of these. */
export interface RuleImplementation {
  checkHost?(host: HostUnderLint, ctx: LintContext): RuleResult;
  checkStack?(stack: StackUnderLint, ctx: LintContext): RuleResult;
  checkSource?(source: { readonly file: string; readonly text: string }, ctx: LintContext): RuleResult;
}

/** A location inside a host's model (host.json, or the host's part of a spec file). */
export function modelLocation(host: Pick<HostUnderLint, 'source'>, pointer: string): Location {
  return { file: host.source.file, pointer: host.source.pointer + pointer };
}

/** Escapes a JSON pointer token. */
export function pointerToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}
