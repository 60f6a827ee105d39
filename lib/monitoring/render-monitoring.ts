/**
 * The stack's monitoring artifacts, paths relative to `monitoring/`. The
 * jsonnet mixin is evaluated once for the stack; every other renderer is a
 * pure function of the host models.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { HostModel } from '../model/types';
import type { MonitoringProps } from './alerting-props';
import { renderAlertmanager } from './alertmanager';
import { evaluateMixin, mixinDirectory, type MixinOutput } from './evaluate-mixin';
import { mixinConfig, type MixinConfig } from './mixin-config';
import { renderRunbooks } from './runbooks';
import { renderScrapeConfig } from './scrape-config';
import { renderIcinga2 } from '../render/icinga2';

/** Name of the resolved `_config` written beside the copied mixin. */
export const MIXIN_CONFIG_FILE = 'listhost-config.json';

/** The mixin's own files (jsonnet sources and README), read once per process. */
let mixinSources: ReadonlyArray<readonly [string, string]> | undefined;

function readMixinSources(): ReadonlyArray<readonly [string, string]> {
  if (mixinSources) return mixinSources;
  const files: Array<readonly [string, string]> = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(libsonnet|jsonnet|md)$/.test(entry)) files.push([relative(mixinDirectory, path), readFileSync(path, 'utf8')]);
    }
  };
  walk(mixinDirectory);
  mixinSources = files;
  return files;
}

/** How to reproduce rules.yml and the dashboards from the copied mixin with the jsonnet CLI. */
function mixinUsage(): string {
  return `# This stack's copy of the cdktf-listhost mixin

\`${MIXIN_CONFIG_FILE}\` is the \`_config\` this stack was rendered with. From
the stack directory (\`cdktf.out/stacks/<stack>\`):

    jsonnet -J monitoring/mixin --tla-code-file config=monitoring/mixin/${MIXIN_CONFIG_FILE} monitoring/mixin/render.jsonnet

prints \`{"rules.yml": ..., "dashboards": {...}}\`: the same rules and
dashboards as \`monitoring/prometheus/rules.yml\` and \`monitoring/grafana/\`.
Or import \`mixin.libsonnet\` in a mixin of your own and override \`_config\`.
`;
}

/**
 * What a stack's monitoring needs before synthesis: the mixin's `_config`
 * and evaluation (asynchronous, on libjsonnet's thread), and the small
 * artifacts whose renderers check the alerting props against the hosts.
 */
export interface PreparedMonitoring {
  readonly hosts: readonly HostModel[];
  readonly monitoring: MonitoringProps;
  readonly config: MixinConfig;
  readonly mixin: MixinOutput;
  readonly scrape: string;
  readonly alertmanager: string;
}

export async function prepareMonitoring(hosts: readonly HostModel[], monitoring: MonitoringProps): Promise<PreparedMonitoring> {
  const config: MixinConfig = mixinConfig(hosts, { runbookBaseUrl: monitoring.runbookBaseUrl });
  // The jsonnet evaluation runs on a worker thread while the renderers that do not need it run here.
  const evaluation = evaluateMixin(config);
  let scrape: string, alertmanager: string;
  try {
    scrape = renderScrapeConfig(hosts);
    alertmanager = renderAlertmanager(monitoring.alerting, hosts);
  } catch (error) {
    await evaluation; // a failed evaluation is reported first, as when it ran before these renderers
    throw error;
  }
  return { hosts, monitoring, config, mixin: await evaluation, scrape, alertmanager };
}

/**
 * The rest, synchronously: Icinga 2 and the runbooks (with the host files,
 * most of a large stack's bytes), so a stack's files can be rendered when
 * they are written rather than all stacks' files held at once.
 */
export function renderPreparedMonitoring(prepared: PreparedMonitoring): Record<string, string> {
  const { hosts, monitoring, config, mixin } = prepared;
  const files: Record<string, string> = {};
  const icinga2 = renderIcinga2(hosts);
  files['prometheus/rules.yml'] = mixin.rulesYaml;
  files['prometheus/scrape.yml'] = prepared.scrape;
  files['alertmanager/alertmanager.yml'] = prepared.alertmanager;
  for (const [name, json] of Object.entries(mixin.dashboards)) files[`grafana/${name}`] = json;
  for (const [name, conf] of Object.entries(icinga2)) files[`icinga2/${name}`] = conf;
  const runbooks = renderRunbooks(mixin.alerts, hosts, monitoring.runbookBaseUrl);
  for (const [name, page] of Object.entries(runbooks)) files[`runbooks/${name}`] = page;
  for (const [path, content] of readMixinSources()) files[`mixin/${path}`] = content;
  files[`mixin/${MIXIN_CONFIG_FILE}`] = `${JSON.stringify(config, null, 2)}\n`;
  files['mixin/USAGE.md'] = mixinUsage();
  return files;
}

/** The stack's monitoring artifacts, paths relative to `monitoring/`. */
export async function renderMonitoring(hosts: readonly HostModel[], monitoring: MonitoringProps): Promise<Record<string, string>> {
  return renderPreparedMonitoring(await prepareMonitoring(hosts, monitoring));
}
