/**
 * SARIF 2.1.0: one run, the registry as the driver's rules, one result per
 * finding with its physical location (artifact or spec file, line when
 * known), suppressed and baselined findings marked as such.
 */
import { createHash } from 'node:crypto';
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import { RULES } from '../registry';
import type { Finding } from '../engine';
import type { ReportContext } from './context';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const INFORMATION_URI = 'https://github.com/cdktf-listhost/cdktf-listhost/blob/main/docs/RULES.md';

function physical(ctx: ReportContext, loc: { readonly file: string; readonly line?: number; readonly pointer?: string }): Sarif.PhysicalLocation {
  const artifactLocation: Sarif.ArtifactLocation = isAbsolute(loc.file)
    ? { uri: pathToFileURL(loc.file).href }
    : { uri: loc.file.split('/').map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
  const line = ctx.lines.line(loc);
  return line !== undefined ? { artifactLocation, region: { startLine: line } } : { artifactLocation };
}

function result(ctx: ReportContext, f: Finding, ruleIndex: number): Sarif.Result {
  const out: Sarif.Result = {
    ruleId: f.rule.id,
    ruleIndex,
    level: f.rule.level,
    message: { text: f.message },
    locations: [
      {
        physicalLocation: physical(ctx, f.location),
        logicalLocations: [{ name: f.targetName, kind: f.target.kind === 'host' ? 'resource' : 'module' }],
      },
    ],
    partialFingerprints: { 'listhost/v1': createHash('sha256').update(f.fingerprint).digest('hex') },
    properties: { target: f.targetName, state: f.state, key: f.key, ...(f.location.pointer !== undefined ? { pointer: f.location.pointer } : {}) },
  };
  if (f.related.length > 0) out.relatedLocations = f.related.map((r, id) => ({ id, physicalLocation: physical(ctx, r) }));
  if (f.state === 'suppressed' && f.suppression) {
    out.suppressions = [
      {
        kind: 'external',
        status: 'accepted',
        justification: `${f.suppression.reason} (until ${f.suppression.expires})`,
        location: { physicalLocation: physical(ctx, f.suppression.location) },
      },
    ];
  }
  if (ctx.report.baseline) {
    out.baselineState = f.state === 'baselined' ? 'unchanged' : 'new';
    if (f.state === 'baselined') out.suppressions = [{ kind: 'external', status: 'accepted', justification: `in the baseline ${ctx.report.baseline.file}` }];
  }
  return out;
}

export function renderSarif(ctx: ReportContext): string {
  const index = new Map(RULES.map((r, i) => [r.id, i]));
  const log: Sarif.Log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'listhost',
            version: ctx.report.tool.version,
            informationUri: INFORMATION_URI,
            rules: RULES.map((r) => ({
              id: r.id,
              name: r.name,
              shortDescription: { text: r.title },
              fullDescription: { text: r.checks },
              help: { text: `${r.fix}\n\nWhy: ${r.rationale}`, markdown: `**Fix:** ${r.fix}\n\n**Why:** ${r.rationale}` },
              helpUri: `${INFORMATION_URI}#${r.id.toLowerCase()}-${r.name.toLowerCase()}`,
              defaultConfiguration: { level: r.level },
              properties: { rationale: r.rationale },
            })),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: `${pathToFileURL(ctx.cwd).href.replace(/\/?$/, '/')}` } },
        invocations: [{ executionSuccessful: true, exitCode: ctx.report.exitCode }],
        results: ctx.report.findings.map((f) => result(ctx, f, index.get(f.rule.id)!)),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
