/**
 * Synth-time policy: the same rules as `listhost lint`, over a stack's
 * artifacts in memory (what the writer is about to put in cdktf.out).
 * Errors fail `cdktf synth` with the rule ID, the construct path and the
 * fix; warnings become annotations. No cdktf import: ListhostStack adapts
 * it (`node.addValidation(...)` takes any `{ validate(): string[] }`).
 */
import type { HostModel } from '../model/types';
import type { PolicyConfig } from './config';
import { LineResolver } from './data-file';
import { lint, type Finding, type LintReport } from './engine';
import { LintInputError } from './errors';
import { artifactStore, createStack } from './stack';
import type { SuppressionSet } from './suppressions';
import type { FleetHost } from './types';

export interface SynthPolicyInput {
  /** The stack's name (its construct id); artifacts are shown as `stacks/<stack>/<path>`. */
  readonly stack: string;
  /** The stack's hosts with their construct paths. */
  readonly hosts: readonly { readonly model: HostModel; readonly constructPath: string }[];
  /** Relative path -> file, as `renderStackArtifacts` returns them. */
  readonly artifacts: ReadonlyMap<string, { readonly content: string }>;
  /** Every host of the app (all stacks), for platform uniformity; default: this stack's. */
  readonly appHosts?: readonly FleetHost['model'][];
  readonly config?: PolicyConfig;
  readonly suppressions?: SuppressionSet;
  /** YYYY-MM-DD for suppression expiry; default today. */
  readonly today?: string;
}

export interface SynthMessage {
  readonly ruleId: string;
  /** Construct path of the host (or the stack) the finding is about. */
  readonly constructPath: string;
  readonly fqdn: string | null;
  /** One line: `[LH001] <message> (<file:line>). Fix: <fix>`. */
  readonly message: string;
}

export interface SynthPolicyResult {
  readonly errors: readonly SynthMessage[];
  readonly warnings: readonly SynthMessage[];
  /** undefined when an artifact could not be read at all (reported as an error). */
  readonly report: LintReport | undefined;
}

/** Runs every rule over one stack's in-memory artifacts. */
export function runSynthPolicy(input: SynthPolicyInput): SynthPolicyResult {
  const files = new Map<string, string>();
  for (const [path, file] of input.artifacts) files.set(path, file.content);
  const prefix = `stacks/${input.stack}/`;
  const store = artifactStore(files, prefix);
  const stack = createStack(
    input.stack,
    store,
    input.hosts.map((h) => ({ model: h.model, source: { file: `${prefix}hosts/${h.model.fqdn}/host.json`, pointer: '' }, constructPath: h.constructPath })),
  );
  const own = new Set(stack.hosts.map((h) => h.model.fqdn));
  const others: FleetHost[] = (input.appHosts ?? [])
    .filter((m) => !own.has(m.fqdn))
    .map((model) => ({ model, source: { file: `host ${model.fqdn}`, pointer: '' } }));
  let report: LintReport;
  try {
    report = lint(
      { hosts: stack.hosts, stacks: [stack], mode: 'artifacts', fleetHosts: [...stack.hosts, ...others], config: input.config },
      { suppressions: input.suppressions, today: input.today, input: `stack ${input.stack}` },
    );
  } catch (error) {
    if (error instanceof LintInputError) {
      // An artifact the renderers produced does not parse: a library bug, reported as an error of the stack.
      const message = `[listhost] ${error.message}`;
      return { errors: [{ ruleId: 'listhost', constructPath: input.stack, fqdn: null, message }], warnings: [], report: undefined };
    }
    throw error;
  }
  const lines = new LineResolver((file) => (file.startsWith(prefix) ? files.get(file.slice(prefix.length)) : undefined));
  const paths = new Map(input.hosts.map((h) => [h.model.fqdn, h.constructPath]));
  const toMessage = (f: Finding): SynthMessage => {
    const fqdn = f.target.kind === 'host' ? f.target.name : null;
    const line = lines.line(f.location);
    const at = line !== undefined ? `${f.location.file}:${line}` : f.location.pointer ? `${f.location.file}#${f.location.pointer}` : f.location.file;
    return {
      ruleId: f.rule.id,
      constructPath: (fqdn && paths.get(fqdn)) || input.stack,
      fqdn,
      message: `[${f.rule.id}] ${f.message} (${at}). Fix: ${f.rule.fix}`,
    };
  };
  const open = report.findings.filter((f) => f.state === 'open');
  return {
    errors: open.filter((f) => f.rule.level === 'error').map(toMessage),
    warnings: open.filter((f) => f.rule.level === 'warning').map(toMessage),
    report,
  };
}

/** The shape of cdktf's IValidation (constructs' `node.addValidation` argument). */
export interface ValidationLike {
  validate(): string[];
}

/**
 * What a validation returns for a stack's result: its errors, each with the
 * host's construct path unless it is about the stack, so cdktf prints
 * `[<stack path>] [<host path>] [LH001] ...`; every warning goes to `warn`.
 */
export function validationMessages(
  stack: string,
  result: Pick<SynthPolicyResult, 'errors' | 'warnings'>,
  warn?: (constructPath: string, message: string) => void,
): string[] {
  if (warn) for (const w of result.warnings) warn(w.constructPath, w.message);
  return result.errors.map((e) => (e.constructPath === stack ? e.message : `[${e.constructPath}] ${e.message}`));
}

/**
 * An IValidation-shaped adapter. `input()` returns undefined until the
 * stack's artifacts are prepared (then nothing is validated: writing fails
 * anyway). `warn(constructPath, message)` receives every warning, e.g.
 * an annotation of the host.
 */
export function policyValidation(input: () => SynthPolicyInput | undefined, warn?: (constructPath: string, message: string) => void): ValidationLike {
  let cached: { for: SynthPolicyInput['artifacts']; result: SynthPolicyResult } | undefined;
  return {
    validate(): string[] {
      const current = input();
      if (!current) return [];
      if (cached?.for !== current.artifacts) cached = { for: current.artifacts, result: runSynthPolicy(current) };
      return validationMessages(current.stack, cached.result, warn);
    },
  };
}
