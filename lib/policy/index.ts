/**
 * The policy engine's public surface: rules registry, lint over a cdktf.out
 * or host spec, synth-time validation, reports, suppressions, baselines.
 */
export { RULES, ruleMeta, type RuleMeta } from './registry';
export { lint, classify, runRules, createContext, baselineEntries, type LintReport, type Finding, type RuleRun, type LintOptions, type Target } from './engine';
export { loadLintInput, type LoadedInput } from './load';
export { renderReport, REPORT_FORMATS, type ReportFormat } from './report';
export { resolvePolicyConfig, loadPolicyConfig, DEFAULT_POLICY_CONFIG, type PolicyConfig, type PolicyConfigInput } from './config';
export { resolveSuppressions, loadSuppressions, type Suppression, type SuppressionSet } from './suppressions';
export { resolveBaseline, loadBaseline, renderBaseline, type Baseline } from './baseline';
export { runSynthPolicy, policyValidation, type SynthPolicyInput, type SynthPolicyResult, type SynthMessage, type ValidationLike } from './synth-validation';
export { inventory, renderInventoryText, type Inventory, type InventoryHost } from './inventory';
export { renderRulesMarkdown } from './docs';
export { LintInputError } from './errors';
