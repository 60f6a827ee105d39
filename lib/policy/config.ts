/**
 * The policy configuration: fleets for platform uniformity, which
 * monitoring systems are required, which kinds of filesystem alerts.
 * Everything is optional; `DEFAULT_POLICY_CONFIG` is what a repo gets
 * without a config file.
 */
import type { ValidateFunction } from 'ajv';
import generatedPolicyConfigValidator from './policy-config-validator.generated';
import { LintInputError } from './errors';
import { parseDataFile } from './data-file';

export type FilesystemAlertKind = 'threshold-warning' | 'threshold-critical' | 'trend-warning' | 'trend-critical' | 'burst-warning' | 'burst-critical';

export interface FleetConfig {
  readonly name: string;
  /** FQDN globs. */
  readonly hosts: readonly string[];
  readonly os?: string;
  readonly release?: string;
  readonly agent?: { readonly name?: string; readonly version?: string };
}

export interface PolicyConfig {
  readonly fleets: readonly FleetConfig[];
  readonly monitoring: { readonly prometheus: boolean; readonly icinga2: boolean };
  readonly filesystemAlerts: { readonly require: readonly FilesystemAlertKind[]; readonly burstMaxWindowSeconds: number };
}

export const DEFAULT_FILESYSTEM_ALERT_KINDS: readonly FilesystemAlertKind[] = [
  'threshold-warning', 'threshold-critical', 'trend-warning', 'trend-critical', 'burst-critical',
];

export const DEFAULT_POLICY_CONFIG: PolicyConfig = {
  fleets: [],
  monitoring: { prometheus: true, icinga2: true },
  filesystemAlerts: { require: DEFAULT_FILESYSTEM_ALERT_KINDS, burstMaxWindowSeconds: 3600 },
};

/** The config as written in a file (every field optional). */
export interface PolicyConfigInput {
  readonly fleets?: readonly FleetConfig[];
  readonly monitoring?: { readonly prometheus?: boolean; readonly icinga2?: boolean };
  readonly filesystemAlerts?: { readonly require?: readonly FilesystemAlertKind[]; readonly burstMaxWindowSeconds?: number };
}

/** Compiled ahead of time from the schema (scripts/generate-validators.ts). */
const validator = generatedPolicyConfigValidator as ValidateFunction;

/** Checks and completes a config; throws LintInputError naming `source` and the JSON pointer. */
export function resolvePolicyConfig(input: unknown, source: string): PolicyConfig {
  if (!validator(input)) {
    const error = validator.errors![0];
    const detail =
      error.keyword === 'additionalProperties'
        ? `unknown property '${(error.params as { additionalProperty: string }).additionalProperty}'`
        : error.keyword === 'required'
          ? `missing property '${(error.params as { missingProperty: string }).missingProperty}'`
          : (error.message ?? 'is invalid');
    throw new LintInputError(source, detail, error.instancePath || '/');
  }
  const config = input as PolicyConfigInput;
  const names = new Set<string>();
  config.fleets?.forEach((fleet, i) => {
    if (names.has(fleet.name) || fleet.name === 'default') {
      throw new LintInputError(source, `fleet name '${fleet.name}' is used twice (or is the reserved 'default')`, `/fleets/${i}/name`);
    }
    names.add(fleet.name);
  });
  return {
    fleets: config.fleets ?? [],
    monitoring: {
      prometheus: config.monitoring?.prometheus ?? true,
      icinga2: config.monitoring?.icinga2 ?? true,
    },
    filesystemAlerts: {
      require: config.filesystemAlerts?.require ?? DEFAULT_FILESYSTEM_ALERT_KINDS,
      burstMaxWindowSeconds: config.filesystemAlerts?.burstMaxWindowSeconds ?? 3600,
    },
  };
}

/** Reads a JSON or YAML policy config file. */
export function loadPolicyConfig(path: string, display: string): PolicyConfig {
  return resolvePolicyConfig(parseDataFile(path, display).value, display);
}
