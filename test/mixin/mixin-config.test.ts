/** mixinConfig: the _config overrides built from the host models. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HostModel, QueueModel } from '../../lib/model/types';
import { mixinConfig } from '../../lib/monitoring/mixin-config';
import { exampleHostModel } from '../fixtures/host-model';
import { RUNBOOK_BASE, twoHosts } from './helpers';

const options = { runbookBaseUrl: RUNBOOK_BASE };

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends object ? Mutable<T[K]> : T[K] };
function host(fqdn: string, edit: (h: Mutable<HostModel>) => void = () => {}): HostModel {
  const h = structuredClone(exampleHostModel(fqdn)) as Mutable<HostModel>;
  edit(h);
  return h as HostModel;
}

test('the example hosts give one Mailman service and their thresholds', () => {
  assert.deepEqual(mixinConfig(twoHosts(), options), {
    runbookBaseUrl: RUNBOOK_BASE,
    fsFilesAvailableWarningPercent: 20,
    fsFilesAvailableCriticalPercent: 5,
    fsSpaceAvailableWarningPercent: 20,
    fsSpaceAvailableCriticalPercent: 5,
    services: [
      {
        kind: 'mailman3',
        alertPrefix: 'Mailman',
        metricPrefix: 'mailman',
        runnerGroupRegex: 'mailman-runner-.+',
        masterGroup: 'mailman-master',
        masterCountedBy: 'collector',
        collectorRunnerGroupRegex: null,
        expectedProcessesMetric: 'mailman_runner_expected_processes',
        liveProcessesMetric: 'mailman_process_group_live_processes',
        pagingQueues: ['out', 'retry'],
        growthPagingQueues: ['retry'],
        ticketQueues: ['bad', 'shunt'],
        queueAgeWarningSeconds: 900,
        queueAgeCriticalSeconds: 1800,
        queueMessagesWarning: 1000,
        webProbeSelector: 'probe="web"',
        databaseProbeSelector: 'probe="database"',
        // The words and list admins of Mailman, from the host model.
        displayName: 'Mailman',
        workerNoun: 'runner',
        workersNoun: 'runners',
        supervisorNoun: 'master',
        supervisorRestartsWorkers: false,
        burstName: 'a big posting',
        requeueVerb: 'unshunt',
        webBackend: 'the REST runner',
        listVisible: true,
      },
    ],
  });
});

test('hosts of one service that disagree on its words: the error names both and the field', () => {
  const a = exampleHostModel('lists1001.example.org');
  const b = exampleHostModel('lists2001.example.org');
  const other = { ...b, service: { ...b.service, vocabulary: { ...b.service.vocabulary, worker: 'process' } } };
  assert.throws(() => mixinConfig([a, other], options), /hosts lists1001\.example\.org and lists2001\.example\.org disagree on service\.vocabulary/);
  const quiet = { ...b, service: { ...b.service, listVisibleOutages: false } };
  assert.throws(() => mixinConfig([a, quiet], options), /disagree on service\.listVisibleOutages \(true vs false\)/);
});

test('options pass through; no hosts give no services', () => {
  const c = mixinConfig([], { ...options, fsSelector: 'fstype!=""', collectorStalenessSeconds: 300, nodeSelector: 'job="n"' });
  assert.deepEqual(c, {
    runbookBaseUrl: RUNBOOK_BASE,
    nodeSelector: 'job="n"',
    fsSelector: 'fstype!=""',
    collectorStalenessSeconds: 300,
    services: [],
  });
  assert.throws(() => mixinConfig([], { runbookBaseUrl: '' }), /runbookBaseUrl must be a non-empty URL/);
});

test('hosts that disagree on a filesystem threshold: the error names both and the field', () => {
  const b = host('lists2001.example.org', (h) => { h.filesystemThresholds.inodesFreeWarningPercent = 30; });
  assert.throws(
    () => mixinConfig([host('lists1001.example.org'), b], options),
    /hosts lists1001\.example\.org and lists2001\.example\.org disagree on filesystemThresholds\.inodesFreeWarningPercent \(20 vs 30\)/,
  );
});

test('hosts of one service that disagree on a queue threshold or role', () => {
  const setQueues = (edit: (q: Mutable<QueueModel>) => void) => (h: Mutable<HostModel>) => {
    for (const q of h.service.queues) edit(q);
  };
  assert.throws(
    () => mixinConfig([host('a.example.org'), host('b.example.org', setQueues((q) => { q.ageWarningSeconds = 600; }))], options),
    /hosts a\.example\.org and b\.example\.org disagree on service\.queues\[\]\.ageWarningSeconds \(900 vs 600\)/,
  );
  assert.throws(
    () => mixinConfig([host('a.example.org'), host('b.example.org', setQueues((q) => { if (q.name === 'retry') q.pagesOnAge = false; }))], options),
    /hosts a\.example\.org and b\.example\.org disagree on service\.queues\[retry\]\.pagesOnAge \(true vs false\)/,
  );
  assert.throws(
    () => mixinConfig([host('a.example.org'), host('b.example.org', setQueues((q) => { if (q.name === 'retry') q.pagesOnGrowth = false; }))], options),
    /hosts a\.example\.org and b\.example\.org disagree on service\.queues\[retry\]\.pagesOnGrowth \(true vs false\)/,
  );
  // A host model written before pagesOnGrowth (absent) counts as false.
  assert.deepEqual(
    mixinConfig([host('a.example.org', setQueues((q) => { delete q.pagesOnGrowth; }))], options).services[0].growthPagingQueues,
    [],
  );
  assert.throws(
    () => mixinConfig([host('a.example.org'), host('b.example.org', (h) => { h.service.kind = 'mailman4'; })], options),
    /hosts a\.example\.org and b\.example\.org disagree on service\.kind/,
  );
});

test('queues of one host that disagree on a threshold: the error names the host and both queues', () => {
  const a = host('a.example.org', (h) => { h.service.queues[7].messagesWarning = 5000; });
  assert.throws(() => mixinConfig([a], options), /host a\.example\.org: queues archive and out disagree on service\.queues\[\]\.messagesWarning \(1000 vs 5000\)/);
});

test('names that cannot go into a label matcher are refused', () => {
  const bad = host('a.example.org', (h) => { h.service.queues[0].name = 'out"}'; });
  assert.throws(() => mixinConfig([bad], options), /host a\.example\.org: service\.queues\[\]\.name "out\\"}" must match/);
  const prefix = host('a.example.org', (h) => { h.service.metricPrefix = 'mail-man'; });
  assert.throws(() => mixinConfig([prefix], options), /service\.metricPrefix "mail-man" must match/);
});

test('a second service kind gets its own entry, sorted by metric prefix', () => {
  const postfix = host('mx1.example.org', (h) => {
    h.service.kind = 'postfix';
    h.service.metricPrefix = 'postfix';
    h.service.processGroups = [
      { ...h.service.processGroups[0], groupname: 'postfix-qmgr', role: 'qmgr' },
      { ...h.service.processGroups[13], groupname: 'postfix-master', role: 'master' },
    ];
    h.service.queues = [];
    h.webUrl = null;
  });
  const c = mixinConfig([postfix, host('lists1001.example.org')], options);
  assert.deepEqual(c.services.map((s) => s.metricPrefix), ['mailman', 'postfix']);
  const p = c.services[1];
  assert.equal(p.alertPrefix, 'Postfix');
  assert.equal(p.runnerGroupRegex, 'postfix-qmgr');
  assert.equal(p.masterGroup, 'postfix-master');
  assert.equal(p.masterCountedBy, 'collector', 'copied from the Mailman master');
  assert.equal(p.liveProcessesMetric, 'postfix_process_group_live_processes');
  assert.equal(p.webProbeSelector, null);
  assert.deepEqual(p.pagingQueues, []);
  assert.equal(p.queueAgeWarningSeconds, 900);
});

test('runner groups without a shared stem become an alternation', () => {
  const h = host('a.example.org', (x) => {
    x.service.processGroups = [
      { ...x.service.processGroups[0], groupname: 'mailman-master-helper', role: 'helper' },
      { ...x.service.processGroups[1], groupname: 'mailman-runner-out', role: 'runner out' },
      { ...x.service.processGroups[13], groupname: 'mailman-master', role: 'master' },
    ];
  });
  // 'mailman-.+' would also match the master group.
  assert.equal(mixinConfig([h], options).services[0].runnerGroupRegex, 'mailman-master-helper|mailman-runner-out');
});

test('groups counted by the collector: the master and workers get their own fields; hosts must agree', () => {
  const h = host('a.example.org', (x) => {
    x.service.processGroups = [
      { ...x.service.processGroups[7], groupname: 'mailman-runner-out', role: 'runner out', countedBy: 'collector' },
      { ...x.service.processGroups[8], groupname: 'mailman-runner-pipeline', role: 'runner pipeline' },
      { ...x.service.processGroups[9], groupname: 'mailman-runner-rest', role: 'runner rest' },
      { ...x.service.processGroups[13], countedBy: 'process-exporter' },
    ];
  });
  const s = mixinConfig([h], options).services[0];
  assert.equal(s.masterCountedBy, 'process-exporter');
  // 'mailman-runner-.+' would also match the collector's out group, and the other way round.
  assert.equal(s.runnerGroupRegex, 'mailman-runner-pipeline|mailman-runner-rest');
  assert.equal(s.collectorRunnerGroupRegex, 'mailman-runner-out');
  assert.throws(
    () => mixinConfig([host('b.example.org'), h], options),
    /hosts a\.example\.org and b\.example\.org disagree on service\.processGroups\[master\]\.countedBy \("process-exporter" vs "collector"\)/,
  );
  const out = (by: 'collector' | 'process-exporter') =>
    host(`${by}.example.org`, (x) => {
      x.service.processGroups[7].countedBy = by;
    });
  assert.throws(
    () => mixinConfig([out('collector'), out('process-exporter')], options),
    /hosts collector\.example\.org and process-exporter\.example\.org disagree on service\.processGroups\[mailman-runner-out\]\.countedBy/,
  );
});
