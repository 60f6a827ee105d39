/** The generic building block: any service with workers and queues. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { ServiceHost, type ServiceDefinitionProps, type ServiceHostProps } from '../../lib';
import { hostProps, newStack } from '../helpers/example-props';

const relay: ServiceDefinitionProps = {
  kind: 'postfix',
  version: '3.7.11',
  metricPrefix: 'postfix',
  unit: 'postfix@-.service',
  configFile: '/etc/postfix/main.cf',
  processGroups: [
    { groupname: 'postfix-master', role: 'master', cmdlineRegex: '/usr/lib/postfix/sbin/master( |$)', user: 'root' },
    { groupname: 'postfix-qmgr', role: 'queue manager', cmdlineRegex: '(^| )qmgr( |$)', user: 'postfix' },
  ],
  queues: [
    { name: 'active', directory: '/var/spool/postfix/active', pagesOnAge: true },
    { name: 'deferred', directory: '/var/spool/postfix/deferred', pagesOnAge: true },
  ],
};

function props(service: ServiceDefinitionProps = relay): ServiceHostProps {
  const { fqdn, location, platform, rootVolume, backup } = hostProps('relay1001.example.org');
  return {
    fqdn, location, platform, rootVolume, service,
    dataVolume: { mountpoint: '/var/spool/postfix', device: '/dev/vdb1', size: '50GiB' },
    backup: { ...backup, paths: ['/etc/postfix'] },
  };
}

describe('ServiceHost with a service of its own', () => {
  it('resolves defaults: severity critical, one process, mtime ages, glob *, restart through systemctl', () => {
    const host = new ServiceHost(newStack(), 'relay', props());
    const { service } = host.model;
    assert.deepEqual(service.processGroups.map((g) => [g.groupname, g.expectedProcesses, g.severity, g.pgrepPattern]), [
      ['postfix-master', 1, 'critical', '/usr/lib/postfix/sbin/master( |$)'],
      ['postfix-qmgr', 1, 'critical', '(^| )qmgr( |$)'],
    ]);
    assert.equal(service.queueFilePattern, null);
    // Service-neutral words, no list admins, the check reads the directories.
    assert.deepEqual(service.vocabulary, {
      displayName: 'Postfix', worker: 'worker', workers: 'workers', supervisor: 'master', supervisorRestartsWorkers: false,
      burst: 'a burst of messages', requeue: 'requeue', webBackend: "the service's workers",
    });
    assert.equal(service.listVisibleOutages, false);
    assert.equal(service.queueCheckSource, 'directory');
    assert.equal(service.queueFileGlob, '*');
    assert.equal(service.queueFileMaxDepth, 1, 'messages directly in the queue directory by default');
    assert.deepEqual(service.restartCommand, ['systemctl', 'restart', 'postfix@-.service']);
    assert.equal(service.queues[0].ageCriticalSeconds, 1800);
    assert.equal(host.model.webUrl, null);
    assert.deepEqual(service.processGroups.map((g) => g.countedBy), ['process-exporter', 'process-exporter'], 'process-exporter counts by default');
  });

  it('a queue pages on growth only when it says so (pagesOnGrowth, default false), and the value must be a boolean', () => {
    const plain = new ServiceHost(newStack(), 'relay', props());
    assert.deepEqual(plain.model.service.queues.map((q) => [q.name, q.pagesOnGrowth]), [['active', false], ['deferred', false]]);
    const growing = new ServiceHost(newStack(), 'relay', props({
      ...relay,
      queues: [relay.queues[0], { ...relay.queues[1], pagesOnGrowth: true }],
    }));
    assert.deepEqual(growing.model.service.queues.map((q) => [q.name, q.pagesOnGrowth]), [['active', false], ['deferred', true]]);
    assert.throws(
      () => new ServiceHost(newStack(), 'relay', props({ ...relay, queues: [{ ...relay.queues[0], pagesOnGrowth: 'yes' as unknown as boolean }] })),
      /service\.queues\[0\]\.pagesOnGrowth/,
    );
  });

  it('a hashed spool (Postfix deferred/A/QUEUEID) declares queueFileMaxDepth 2', () => {
    const host = new ServiceHost(newStack(), 'relay', props({ ...relay, queueFileMaxDepth: 2 }));
    assert.equal(host.model.service.queueFileMaxDepth, 2);
  });

  it('a supervisor whose forked workers carry its command line until they exec can be counted by the collector', () => {
    const master = { ...relay.processGroups[0], countedBy: 'collector' as const };
    const host = new ServiceHost(newStack(), 'relay', props({ ...relay, processGroups: [master, relay.processGroups[1]] }));
    assert.deepEqual(host.model.service.processGroups.map((g) => [g.groupname, g.countedBy]), [
      ['postfix-master', 'collector'],
      ['postfix-qmgr', 'process-exporter'],
    ]);
  });

  const bad: Array<[string, Partial<ServiceDefinitionProps>, RegExp]> = [
    ['no process groups', { processGroups: [] }, /prop 'service.processGroups' is required: give at least one process group/],
    ['no queues', { queues: [] }, /prop 'service.queues' is required: give at least one queue/],
    ['metric prefix', { metricPrefix: 'Postfix-Relay' }, /prop 'service.metricPrefix' is "Postfix-Relay"/],
    ['unit', { unit: 'postfix' }, /prop 'service.unit' is "postfix"/],
    ['groupname', { processGroups: [{ ...relay.processGroups[0], groupname: 'Master' }] }, /prop 'service.processGroups\[0\].groupname'/],
    ['duplicate groupname', { processGroups: [relay.processGroups[0], relay.processGroups[0]] }, /prop 'service.processGroups\[1\].groupname' is "postfix-master", which is used by another process group/],
    ['regex invalid', { processGroups: [{ ...relay.processGroups[0], cmdlineRegex: '(' }] }, /prop 'service.processGroups\[0\].cmdlineRegex' is "\("; expected a regular expression that RE2 \(process-exporter\) and POSIX ERE \(pgrep, Icinga check_procs\) read alike: at character 1, "\(" is never closed by "\)"/],
    ['regex with quote', { processGroups: [{ ...relay.processGroups[0], cmdlineRegex: "a'b" }] }, /prop 'service.processGroups\[0\].cmdlineRegex'/],
    ['expected processes', { processGroups: [{ ...relay.processGroups[0], expectedProcesses: 0 }] }, /prop 'service.processGroups\[0\].expectedProcesses' is 0/],
    ['severity', { processGroups: [{ ...relay.processGroups[0], severity: 'page' as never }] }, /prop 'service.processGroups\[0\].severity' is "page"/],
    ['user', { processGroups: [{ ...relay.processGroups[0], user: '' }] }, /prop 'service.processGroups\[0\].user'/],
    ['counted by', { processGroups: [{ ...relay.processGroups[0], countedBy: 'pgrep' as never }] }, /prop 'service.processGroups\[0\].countedBy' is "pgrep"; expected "process-exporter" or "collector"/],
    ['queue directory', { queues: [{ name: 'active', directory: 'spool' }] }, /prop 'service.queues\[0\].directory'/],
    ['duplicate queue', { queues: [relay.queues[0], relay.queues[0]] }, /prop 'service.queues\[1\].name' is "active", which is used by another queue/],
    ['thresholds', { queueThresholds: { ageWarningSeconds: 3000 } }, /prop 'service.queueThresholds.ageCriticalSeconds' is 1800, which must be above ageWarningSeconds \(3000\)/],
    ['restart command', { restartCommand: [] }, /prop 'service.restartCommand'/],
    ['misspelt service prop', { queueFileMaxdepth: 2 } as never, /prop 'service.queueFileMaxdepth' is not a prop of a service definition; did you mean 'queueFileMaxDepth'\?/],
    ['misspelt process group prop', { processGroups: [{ ...relay.processGroups[0], expected: 2 } as never] },
      /prop 'service.processGroups\[0\].expected' is not a prop of a process group \(a process group takes groupname, role, cmdlineRegex, /],
    ['misspelt queue prop', { queues: [{ ...relay.queues[0], pageOnAge: true } as never] }, /prop 'service.queues\[0\].pageOnAge' is not a prop of a queue; did you mean 'pagesOnAge'\?/],
    ['misspelt queue threshold', { queueThresholds: { ageWarningSecond: 600 } as never }, /prop 'service.queueThresholds.ageWarningSecond' is not a prop of queueThresholds; did you mean 'ageWarningSeconds'\?/],
    ['misspelt vocabulary word', { vocabulary: { supervisorRestartWorkers: true } as never },
      /prop 'service.vocabulary.supervisorRestartWorkers' is not a prop of vocabulary; did you mean 'supervisorRestartsWorkers'\?/],
    ['queue file depth 0', { queueFileMaxDepth: 0 }, /prop 'service.queueFileMaxDepth' is 0; expected a whole number from 1 to 4/],
    ['queue file depth 5', { queueFileMaxDepth: 5 }, /prop 'service.queueFileMaxDepth' is 5; expected a whole number from 1 to 4/],
    ['queue file depth 1.5', { queueFileMaxDepth: 1.5 }, /prop 'service.queueFileMaxDepth' is 1.5/],
    ['kind', { kind: 'post fix' }, /prop 'service.kind'/],
    ['config file', { configFile: 'main.cf' }, /prop 'service.configFile'/],
    ['vocabulary not an object', { vocabulary: 'daemon' as never }, /prop 'service.vocabulary' is "daemon"; expected an object of words/],
    ['vocabulary with a template', { vocabulary: { worker: '{{ $value }}' } }, /prop 'service.vocabulary.worker' is "\{\{ \$value \}\}"; expected plain words for alerts and runbooks/],
    ['vocabulary too long', { vocabulary: { burst: 'a'.repeat(61) } }, /prop 'service.vocabulary.burst'/],
    ['vocabulary whose derived plural is too long', { vocabulary: { worker: 'w'.repeat(60) } }, /prop 'service.vocabulary.worker' is "w{60}"; expected words short enough that service.vocabulary.workers, made from it as "w{60}s", stays within 60 characters; or set service.vocabulary.workers too/],
    ['vocabulary flag', { vocabulary: { supervisorRestartsWorkers: 'yes' as never } }, /prop 'service.vocabulary.supervisorRestartsWorkers' is "yes"; expected true or false/],
    ['notify list admins', { notifyListAdmins: 1 as never }, /prop 'service.notifyListAdmins' is 1; expected true or false/],
    ['queue check source', { queueCheckSource: 'sudo' as never }, /prop 'service.queueCheckSource' is "sudo"; expected "directory" .* or "collector"/],
  ];
  for (const [name, change, message] of bad) {
    it(`rejects ${name}`, () => {
      assert.throws(() => new ServiceHost(newStack(), 'relay', props({ ...relay, ...change })), message);
    });
  }
});

describe('ServiceHost regexes: only what RE2 (process-exporter) and POSIX ERE (pgrep, check_procs) read alike', () => {
  const group = (change: Partial<ServiceDefinitionProps['processGroups'][number]>) => ({ processGroups: [{ ...relay.processGroups[0], ...change }, relay.processGroups[1]] });
  const PROCESS = 'expected a regular expression that RE2 \\(process-exporter\\) and POSIX ERE \\(pgrep, Icinga check_procs\\) read alike: ';

  it('accepts portable patterns, and keeps them verbatim', () => {
    const patterns = ['^sleep [0-9]+$', '^[^ ]+ /usr/bin/worker --id=[[:digit:]]{1,3}( |$)', '(^|/)qmgr( -[lt])* ', '^/usr/lib/postfix/sbin/master( |$)'];
    for (const cmdlineRegex of patterns) {
      const host = new ServiceHost(newStack(), 'relay', props({ ...relay, ...group({ cmdlineRegex, pgrepPattern: `${cmdlineRegex}x?` }), queueFilePattern: '^[0-9]+\\.[0-9a-f]+$' }));
      const [first] = host.model.service.processGroups;
      assert.deepEqual([first.cmdlineRegex, first.pgrepPattern, host.model.service.queueFilePattern], [cmdlineRegex, `${cmdlineRegex}x?`, '^[0-9]+\\.[0-9a-f]+$']);
    }
  });

  const bad: Array<[string, Partial<ServiceDefinitionProps>, RegExp]> = [
    // The two patterns that restarted a healthy service every interval: pgrep counted 0.
    ['\\d (pgrep: a plain "d")', group({ cmdlineRegex: 'sleep \\d+' }), /cmdlineRegex' is "sleep \\\\d\+"; expected .*: at character 7, "\\d" is not portable/],
    ['a lookahead (pgrep: a regex error)', group({ cmdlineRegex: '\\d+(?! --dry-run)' }), /cmdlineRegex' is "\\\\d\+\(\?! --dry-run\)"; expected .* "\\d" is not portable/],
    ['a lookahead alone', group({ cmdlineRegex: '[0-9]+(?! --dry-run)' }), /cmdlineRegex' is .*; expected .*: at character 7, "\(\?!" is a lookaround, which neither RE2 nor POSIX ERE has/],
    ['\\s', group({ cmdlineRegex: 'qmgr\\s' }), /cmdlineRegex' .* "\\s" is not portable.*write \[\[:space:\]\]\.$/],
    ['\\w', group({ cmdlineRegex: '\\w+' }), /"\\w" is not portable.*write \[\[:alnum:\]_\]\.$/],
    ['\\b', group({ cmdlineRegex: '\\bqmgr' }), /"\\b" is not portable.*no portable word boundary/],
    ['(?:', group({ cmdlineRegex: '(?:qmgr|pickup)' }), /"\(\?:" is a non-capturing group/],
    ['(?=', group({ cmdlineRegex: 'qmgr(?= -l)' }), /"\(\?=" is a lookaround/],
    ['lazy *?', group({ cmdlineRegex: 'qmgr.*?-l' }), /"\*\?" is a lazy quantifier to RE2 but undefined in POSIX ERE/],
    ['lazy +?', group({ cmdlineRegex: 'qmgr.+?-l' }), /"\+\?" is a lazy quantifier/],
    ['lazy {2,3}?', group({ cmdlineRegex: 'q{2,3}?' }), /"\{2,3\}\?" is a lazy quantifier/],
    ['possessive *+', group({ cmdlineRegex: 'qmgr.*+' }), /"\*\+" is a possessive quantifier/],
    ['backreference', group({ cmdlineRegex: '(q)\\1' }), /"\\1" is not portable.*backreference/],
    ['backslash in brackets', group({ cmdlineRegex: '[\\d.]+' }), /a backslash inside \[\.\.\.\] is an escape to RE2 but a literal backslash to POSIX ERE/],
    ['[[:word:]]', group({ cmdlineRegex: '[[:word:]]+' }), /\[:word:\] is RE2 only \(POSIX has no such class\); write \[\[:alnum:\]_\]/],
    ['unbalanced (', group({ cmdlineRegex: '(qmgr' }), /"\(" is never closed by "\)"/],
    ['unbalanced [', group({ cmdlineRegex: '[qmgr' }), /"\[" is never closed by "\]"/],
    ['an empty alternative', group({ cmdlineRegex: 'qmgr( |)' }), /an alternative is empty/],
    ['a non-ASCII character', group({ cmdlineRegex: 'qmgr\u00e9+' }), /"é" is not printable ASCII/],
    ['pgrepPattern \\d', group({ pgrepPattern: 'qmgr \\d' }), new RegExp(`prop 'service\\.processGroups\\[0\\]\\.pgrepPattern' is "qmgr \\\\\\\\d"; ${PROCESS}`)],
    ['queueFilePattern \\d', { queueFilePattern: '^\\d+' }, /prop 'service\.queueFilePattern' is "\^\\\\d\+"; expected a regular expression that POSIX ERE in bash \[\[ =~ \]\] \(the Icinga queue check\) and in awk \(the queue collector; Debian 12's mawk has no \{n,m\} intervals\) read alike: at character 2, "\\d" is not portable/],
    ['queueFilePattern interval', { queueFilePattern: '^[0-9]{10}\\+' }, /prop 'service\.queueFilePattern' is .*: at character 7, the interval "\{10\}" is read as literal braces by mawk/],
  ];
  it('names the construct, the prop, the value, what is expected and what to write instead', () => {
    assert.throws(() => new ServiceHost(newStack(), 'relay', props({ ...relay, ...group({ cmdlineRegex: 'sleep \\d+' }) })), {
      name: 'ListhostPropError',
      message:
        'lists/relay: prop \'service.processGroups[0].cmdlineRegex\' is "sleep \\\\d+"; expected a regular expression that RE2 (process-exporter) and POSIX ERE ' +
        '(pgrep, Icinga check_procs) read alike: at character 7, "\\d" is not portable: outside brackets a backslash may only escape one of ' +
        '\\ . [ ] ( ) * + ? { } | ^ $; write [0-9] or [[:digit:]].',
    });
  });

  for (const [name, change, message] of bad) {
    it(`rejects ${name}`, () => {
      assert.throws(() => new ServiceHost(newStack(), 'relay', props({ ...relay, ...change })), (error: Error) => {
        assert.equal(error.name, 'ListhostPropError');
        assert.match(error.message, message);
        return true;
      });
    });
  }
});

describe('ServiceHost props', () => {
  it('a misspelt host prop is named, not ignored', () => {
    assert.throws(
      () => new ServiceHost(newStack(), 'relay', { ...props(), webURL: 'https://relay1001.example.org/' } as never),
      /^ListhostPropError: lists\/relay: prop 'webURL' is not a prop of ServiceHost; did you mean 'webUrl'\? \(ServiceHost takes fqdn, .*, service, webUrl\)\.$/m,
    );
  });
});
