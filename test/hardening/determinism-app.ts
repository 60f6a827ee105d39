/**
 * The app determinism.test.ts synthesizes in variants that must give the
 * same bytes: LISTHOST_DET_ORDER is a comma-separated set of
 *   hosts   hosts declared in reverse order within each stack
 *   stacks  stacks declared in reverse order
 *   runners Mailman runner overrides in reverse key order
 *   paths   backup paths reversed
 *   queues  a service's queues reversed
 * (Contacts and process groups keep their declared order on purpose: the
 * first contact is the first called, and process-exporter puts a process in
 * the first group whose pattern matches.)
 * Output goes to CDKTF_OUTDIR, as under `cdktf synth`.
 */
import { App } from 'cdktf';
import { ListhostStack, MailingListHost, ServiceHost, synthesize, type ServiceDefinitionProps } from '../../lib';

const order = new Set((process.env.LISTHOST_DET_ORDER ?? '').split(',').filter(Boolean));
const maybe = <T>(flag: string, list: readonly T[]): T[] => (order.has(flag) ? [...list].reverse() : [...list]);
const record = <T>(flag: string, value: Record<string, T>): Record<string, T> => Object.fromEntries(maybe(flag, Object.entries(value)));

const relay: ServiceDefinitionProps = {
  kind: 'postfix',
  version: '3.7.11',
  metricPrefix: 'postfix',
  unit: 'postfix@-.service',
  configFile: '/etc/postfix/main.cf',
  processGroups: ([
    { groupname: 'postfix-master', role: 'master', cmdlineRegex: '^/usr/lib/postfix/sbin/master( |$)', user: 'root', countedBy: 'collector' },
    { groupname: 'postfix-qmgr', role: 'queue manager', cmdlineRegex: '^qmgr( |$)', user: 'postfix' },
    { groupname: 'postfix-tlsmgr', role: 'tls manager', cmdlineRegex: '^tlsmgr( |$)', user: 'postfix' },
  ]),
  queues: maybe('queues', [
    { name: 'active', directory: '/var/spool/postfix/active', pagesOnAge: true },
    { name: 'deferred', directory: '/var/spool/postfix/deferred', pagesOnAge: true },
    { name: 'incoming', directory: '/var/spool/postfix/incoming' },
    { name: 'hold', directory: '/var/spool/postfix/hold', ticketWhenNonEmpty: true },
  ]),
  queueFileMaxDepth: 2,
} as ServiceDefinitionProps;

const stackSpecs = [
  { id: 'lists', site: 'dc1', hosts: ['lists1001', 'lists1002', 'lists1003', 'lists1010'] },
  { id: 'lists-west', site: 'dc2', hosts: ['lists2001', 'lists2002', 'lists2003'] },
];

const app = new App();
for (const spec of maybe('stacks', stackSpecs)) {
  const stack = new ListhostStack(app, spec.id, {
    monitoring: {
      runbookBaseUrl: `https://runbooks.example.org/${spec.id}/`,
      alerting: {
        pager: { name: 'oncall-pager', webhookUrl: 'https://pager.example.org/v1/alertmanager', webhookCredentialsFile: '/etc/alertmanager/secrets/pager-token' },
        tickets: { name: 'sre-tickets', email: 'sre-tickets@example.org' },
        listAdmins: { name: 'list-admins', email: 'listadmins@example.org' },
      },
    },
  });
  for (const [i, name] of maybe('hosts', spec.hosts.map((h, n) => [n, h] as const))) {
    const fqdn = `${name}.example.org`;
    const common = {
      fqdn,
      location: { site: spec.site, row: ['A', 'B', 'I', 'i'][i % 4], rack: `r${i}` },
      platform: { os: 'debian', release: '12', agent: { name: 'puppet', version: '7' } },
      contacts: ([
        { name: 'list admins', email: 'listadmins@example.org' },
        { name: 'Istanbul İnfra', email: 'infra-istanbul@example.org' },
      ]),
      rootVolume: { mountpoint: '/', device: '/dev/vda1', size: '20GiB' },
      dataVolume: { mountpoint: '/srv/data', device: '/dev/vdb1', size: '100GiB' },
      backup: {
        paths: maybe('paths', ['/srv/data', '/etc/mailman3', '/etc/Icinga', '/var/lib/Imap']),
        expectedFiles: 1_000_000,
        restoreVolume: { mountpoint: '/srv/restore', device: '/dev/vdc', size: '100GiB' },
      },
      database: { host: `db${i}.example.org`, port: 3306 },
    };
    if (i === 3) {
      new ServiceHost(stack, name, { ...common, service: relay });
    } else {
      new MailingListHost(stack, name, {
        ...common,
        mailmanVersion: '3.3.8',
        restWorkers: 2,
        runners: record('runners', { out: { instances: 2 }, in: { instances: 1 }, bounces: { instances: 2 } }),
        webUrl: `https://${fqdn}/postorius/lists/`,
      });
    }
  }
}

synthesize(app).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
