/**
 * A second service on the same building blocks: two Postfix 3.7 relays
 * (Debian 12) in two sites, each with its spool on a data volume and a
 * restore volume of its own. Built only from the library's public, generic
 * exports (ListhostStack, ServiceHost, ServiceDefinitionProps), as any other
 * service with workers and queues would be.
 *
 * The relay forwards to internal next hops, so mail that stays deferred for
 * 15 minutes means a next hop is down and pages. An Internet-facing relay,
 * whose deferred queue always holds mail for some unreachable domain, would
 * set `pagesOnAge: false` on `deferred` and rely on the size alert.
 */
import { App } from 'cdktf';
import { ListhostStack, ServiceHost, synthesize, type ServiceDefinitionProps } from '../../lib';

const SPOOL = '/var/spool/postfix';

/** Postfix 3.7 as Debian 12 runs it (`postfix@-.service`, the default instance). */
const postfix: ServiceDefinitionProps = {
  kind: 'postfix',
  version: '3.7.11',
  metricPrefix: 'postfix',
  unit: 'postfix@-.service',
  configFile: '/etc/postfix/main.cf',
  processGroups: [
    {
      groupname: 'postfix-master',
      role: 'master',
      cmdlineRegex: '^/usr/lib/postfix/sbin/master( |$)',
      user: 'root',
      // master forks every daemon (smtpd, cleanup, qmgr, ...) and the child
      // keeps master's command line until it execs: process-exporter, which
      // names a process once, would count such a child as master for good.
      // The host's collector counts master with pgrep instead.
      countedBy: 'collector',
    },
    {
      groupname: 'postfix-qmgr',
      role: 'queue manager',
      // `qmgr -l -t unix -u`, a child of master running as postfix.
      cmdlineRegex: '^qmgr( |$)',
      user: 'postfix',
    },
  ],
  queues: [
    // Mail qmgr is delivering now: old mail here means deliveries hang.
    { name: 'active', directory: `${SPOOL}/active`, pagesOnAge: true },
    // Mail a next hop refused or did not answer for.
    { name: 'deferred', directory: `${SPOOL}/deferred`, pagesOnAge: true },
    // Mail cleanup wrote and qmgr has not taken yet (old: qmgr is stuck).
    { name: 'incoming', directory: `${SPOOL}/incoming` },
    // Mail held by `postsuper -h` or a HOLD action waits for a human.
    { name: 'hold', directory: `${SPOOL}/hold`, ticketWhenNonEmpty: true },
  ],
  // Queue file names are queue IDs (no time): ages come from the mtime.
  // hash_queue_names = deferred, defer with hash_queue_depth = 1 puts
  // deferred mail one directory down (deferred/A/4C2F1D2E3A).
  queueFileMaxDepth: 2,
  // The spool's queue directories are 0700 postfix: the nagios user that runs
  // the Icinga queue check cannot read them. The check reads the numbers the
  // queue collector (run by systemd as root) writes for node_exporter
  // instead, so the monitoring user needs no privilege at all.
  queueCheckSource: 'collector',
  // How alerts and runbooks name Postfix's parts. master(8) restarts a
  // daemon that dies (throttled when it dies at start). No list admins: the
  // relay's outages go to the on-call route only.
  vocabulary: {
    worker: 'daemon',
    supervisor: 'master',
    supervisorRestartsWorkers: true,
    burst: 'a burst of mail',
    requeue: 'release',
  },
};

const app = new App();
const stack = new ListhostStack(app, 'relay', {
  monitoring: {
    runbookBaseUrl: 'https://runbooks.example.org/relay/',
    alerting: {
      pager: { name: 'oncall-pager', webhookUrl: 'https://pager.example.org/v1/alertmanager', webhookCredentialsFile: '/etc/alertmanager/secrets/pager-token' },
      tickets: { name: 'sre-tickets', email: 'sre-tickets@example.org' },
    },
  },
});

const hosts = [
  { fqdn: 'relay1001.example.org', site: 'dc1', row: 'A' },
  { fqdn: 'relay2001.example.org', site: 'dc2', row: 'B' },
];

for (const host of hosts) {
  new ServiceHost(stack, host.fqdn.split('.')[0], {
    fqdn: host.fqdn,
    location: { site: host.site, row: host.row },
    platform: { os: 'debian', release: '12', agent: { name: 'puppet', version: '7' } },
    contacts: [{ name: 'postmasters', email: 'postmaster@example.org' }],
    service: postfix,
    rootVolume: { mountpoint: '/', device: '/dev/vda1', size: '20GiB' },
    dataVolume: { mountpoint: SPOOL, device: '/dev/vdb1', size: '50GiB' },
    backup: {
      paths: ['/etc/postfix', SPOOL],
      expectedFiles: 200_000,
      restoreVolume: { mountpoint: '/srv/restore', device: '/dev/vdc', size: '20GiB' },
    },
  });
}

synthesize(app).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
