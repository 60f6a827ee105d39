/**
 * The host model of a test Mailman, built by the library's own construct
 * code (mailmanServiceDefinition + resolveServiceDefinition, what
 * MailingListHost does), so the regexes, expected counts and queues the
 * renderers get are the ones a real synth would produce for this instance:
 * its config file, its var_dir, user `list`, 2 REST workers.
 *
 * Only what must point into the test's temp dirs or ports is replaced
 * (textfile dir, self-heal state dir, exporter ports, volumes) and the
 * restart command (there is no systemd unit for a hand-started Mailman).
 */
import type { HostModel, VolumeModel } from '../../../lib/model/types';
import { mailmanServiceDefinition } from '../../../lib/constructs/mailman-service';
import { resolveServiceDefinition } from '../../../lib/constructs/service-definition';
import { exampleHostModel } from '../../fixtures/host-model';
import type { MailmanInstance } from './mailman';

export const E2E_FQDN = 'lists-e2e.example.org';

export interface E2eHostOptions {
  readonly fqdn?: string;
  readonly textfileDirectory: string;
  readonly selfHealStateDirectory: string;
  readonly nodeExporterPort: number;
  readonly processExporterPort: number;
  /** The service's restart command (self-heal). */
  readonly restartCommand: readonly string[];
  /** The host's volumes (they must exist: Icinga checks them with `check_disk -E`). */
  readonly volumes: readonly VolumeModel[];
  readonly dataVolume: string;
  readonly restoreVolume: string;
}

export function mailmanE2eHostModel(mm: MailmanInstance, o: E2eHostOptions): HostModel {
  const fqdn = o.fqdn ?? E2E_FQDN;
  const definition = mailmanServiceDefinition(
    'E2eHost',
    { mailmanVersion: '3.3.8', restWorkers: 2, configFile: mm.configFile, varDirectory: mm.varDir, user: 'list' },
    mm.varDir,
  );
  const service = resolveServiceDefinition('E2eHost', { ...definition, restartCommand: o.restartCommand }, '');
  const base = exampleHostModel(fqdn, 'e2e', 'A');
  return {
    ...base,
    volumes: o.volumes,
    dataVolume: o.dataVolume,
    backup: { ...base.backup, restoreVolume: o.restoreVolume },
    service,
    selfHeal: { ...base.selfHeal, stateDirectory: o.selfHealStateDirectory },
    exporters: {
      ...base.exporters,
      nodeExporterPort: o.nodeExporterPort,
      processExporterPort: o.processExporterPort,
      textfileDirectory: o.textfileDirectory,
    },
    // No Postorius and no database server in the test (Mailman uses SQLite): no web or database checks.
    webUrl: null,
    database: null,
  };
}

/**
 * The library's scrape configs for `host` (lib/monitoring/scrape-config.ts),
 * with each target's address pointed at the loopback port the test's
 * exporter listens on; labels (instance = fqdn, site, row) stay as generated.
 */
export function loopbackTargets(configs: readonly Record<string, unknown>[], host: HostModel): Record<string, unknown>[] {
  return configs
    .map((job) => {
      const groups = (job.static_configs as { targets: string[]; labels: Record<string, string> }[]) ?? [];
      return {
        ...job,
        static_configs: groups.map((g) => ({
          ...g,
          targets: g.targets.map((t) => {
            const m = /^(.*):(\d+)$/.exec(t);
            if (!m || m[1] !== host.fqdn) throw new Error(`unexpected target ${t} for ${host.fqdn}`);
            return `127.0.0.1:${m[2]}`;
          }),
        })),
      };
    })
    .filter((job) => (job.static_configs as unknown[]).length > 0);
}
