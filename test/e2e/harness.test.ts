/**
 * Proves the e2e harness on a real Mailman 3.3.8 and real exporters, and
 * verifies the facts recorded in test/e2e/harness/FACTS.md.
 *
 * Host-wide views (process-exporter, pgrep) also see Mailman instances other
 * tests may run concurrently, so each host-wide count is compared with an
 * independent /proc scan, and the exact expected numbers (rest 3, others 1)
 * are asserted for this instance's own processes; when the host runs no
 * other Mailman, the host-wide numbers are those exact numbers too.
 *
 * Set LISTHOST_E2E_FACTS_JSON=/path/file.json to dump what was observed.
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  MAILMAN_DEFAULT_RUNNERS,
  MAILMAN_QUEUES,
  MailmanInstance,
  QUEUE_FILE_RE,
  mailmanUnavailable,
  startMailman,
} from './harness/mailman';
import {
  MAILMAN_MASTER_REGEX,
  MAILMAN_MASTER_REGEX_ANCHORED,
  ExporterInstance,
  NodeExporterInstance,
  ProcessExporterInstance,
  exporterAlive,
  exportersUnavailable,
  mailmanProcessGroups,
  mailmanRunnerRegex,
  mailmanRunnerRegexAnchored,
  scrape,
  select,
  startNodeExporter,
  startProcessExporter,
  valueOf,
} from './harness/exporters';
import { spawn } from 'node:child_process';
import {
  ProcRef,
  allPids,
  cmdlineString,
  descendants,
  isAlive,
  procRef,
  readCmdline,
  readStat,
  run,
  terminate,
  waitFor,
} from './harness/proc';

const skip = mailmanUnavailable() ?? exportersUnavailable() ?? (fs.existsSync('/usr/bin/pgrep') ? undefined : 'no pgrep');
const LIST = 'e2e@example.org';
const MEMBER = 'sender@example.com';

const facts: Record<string, unknown> = {};
const timings: Record<string, number> = {};

/** Replaces this run's temp config path by CFG so command lines read like production. */
function normalize(s: string, mm: MailmanInstance): string {
  return s.split(mm.configFile).join('CFG');
}

function listUid(): number {
  const line = fs.readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('list:'))!;
  return Number(line.split(':')[2]);
}

function uidOf(pid: number): number | undefined {
  try {
    const m = /^Uid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Live processes anywhere on the host whose space-joined cmdline matches `re` (what process-exporter sees). */
function hostMatches(re: RegExp, uid?: number): number[] {
  return allPids().filter((pid) => {
    const st = readStat(pid);
    if (!st || st.state === 'Z') return false;
    const cmd = readCmdline(pid);
    if (!cmd || cmd.length === 0 || !re.test(cmd.join(' '))) return false;
    return uid === undefined || uidOf(pid) === uid;
  });
}

async function pgrep(pattern: string): Promise<number[]> {
  const r = await run('/usr/bin/pgrep', ['-u', 'list', '-f', pattern]);
  assert.ok(r.code === 0 || r.code === 1, `pgrep exited ${r.code}: ${r.stderr}`);
  return r.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map(Number)
    .sort((a, b) => a - b);
}

function groupsOf(samples: Awaited<ReturnType<typeof scrape>>): Map<string, number> {
  const m = new Map<string, number>();
  for (const s of select(samples, 'namedprocess_namegroup_num_procs')) m.set(s.labels.groupname, s.value);
  return m;
}

describe('e2e harness on a real Mailman 3.3.8', { skip }, () => {
  let mm: MailmanInstance | undefined;
  let pe: ProcessExporterInstance | undefined;
  let probe: ProcessExporterInstance | undefined;
  let hard: ProcessExporterInstance | undefined;
  let recheck: ProcessExporterInstance | undefined;
  let ne: NodeExporterInstance | undefined;
  const exporterRefs: ProcRef[] = [];
  let mailmanRefs: ProcRef[] = [];
  let mailmanRoot = '';

  before(async () => {
    let t = Date.now();
    mm = await startMailman();
    timings.startToReadyMs = Date.now() - t;
    mailmanRoot = mm.root;
    t = Date.now();
    pe = await startProcessExporter({ groups: mailmanProcessGroups() });
    exporterRefs.push(pe.ref);
    hard = await startProcessExporter({
      groups: mailmanProcessGroups(MAILMAN_DEFAULT_RUNNERS, mailmanRunnerRegexAnchored, MAILMAN_MASTER_REGEX_ANCHORED),
    });
    exporterRefs.push(hard.ref);
    // same candidate config with -recheck (re-match every process on every scrape)
    recheck = await startProcessExporter({ groups: mailmanProcessGroups(), extraArgs: ['-recheck'] });
    exporterRefs.push(recheck.ref);
    // probes of process-exporter's matching semantics (first matching group wins)
    probe = await startProcessExporter({
      groups: [
        // the full argv joined by single spaces, argv[0] being the interpreter
        { name: 'probe-joined-argv', cmdline: ['^/usr/bin/python3 /usr/lib/mailman3/bin/runner -C [^ ]+ --runner=out:0:1$'] },
        // never matches: argv[0] is /usr/bin/python3, not the script
        { name: 'probe-script-as-argv0', cmdline: ['^/usr/lib/mailman3/bin/runner'] },
        // every other runner process: out was taken by the first group
        { name: 'probe-any-runner', cmdline: ['/usr/lib/mailman3/bin/runner '] },
        // comm is "python3" for master and runners alike
        { name: 'probe-comm-python3', comm: ['python3'] },
      ],
    });
    exporterRefs.push(probe.ref);
    ne = await startNodeExporter();
    exporterRefs.push(ne.ref);
    timings.exportersStartMs = Date.now() - t;
  });

  after(async () => {
    const errors: unknown[] = [];
    for (const e of [pe, hard, recheck, probe, ne] as (ExporterInstance | undefined)[]) {
      try {
        await e?.stop();
      } catch (err) {
        errors.push(err);
      }
    }
    if (mm) {
      try {
        await mm.stop();
      } catch (err) {
        errors.push(err);
      }
      mailmanRefs = mm.recordedPids();
    }
    if (process.env.LISTHOST_E2E_FACTS_JSON) {
      fs.writeFileSync(process.env.LISTHOST_E2E_FACTS_JSON, JSON.stringify({ ...facts, timings }, null, 2) + '\n');
    }
    const alive = [...exporterRefs, ...mailmanRefs].filter(isAlive);
    assert.deepEqual(alive, [], 'every process the test started is gone');
    if (mailmanRoot) assert.equal(fs.existsSync(mailmanRoot), false, 'Mailman temp dir removed');
    if (errors.length > 0) throw errors[0];
  });

  it('runs a master, 13 runner names and 15 runner processes with the expected command lines', async () => {
    const m = mm!;
    const procs = await m.processes();
    const master = procs.filter((p) => p.role === 'master');
    assert.equal(master.length, 1);
    assert.equal(master[0].pid, m.masterPid);
    facts.masterCmdline = normalize(master[0].cmdline, m);
    // harness default force: true, like Debian's mailman3.service (start --force)
    assert.equal(master[0].cmdline, `/usr/bin/python3 /usr/lib/mailman3/bin/master --force -C ${m.configFile}`);

    // The nntp runner runs `mailman gatenews` as a child when it starts and
    // every 5 minutes: seen here now and then, never anything else. Caught
    // between fork and exec, the child still shows the runner's command line;
    // caught exiting (PF_EXITING, before it is a zombie), an empty one.
    const helpers = procs.filter((p) => p.role.startsWith('helper:'));
    const nntp = procs.filter((p) => p.role === 'nntp');
    for (const h of helpers) {
      assert.equal(h.role, 'helper:gatenews', JSON.stringify(h));
      const parent = nntp.find((p) => p.pid === h.ppid);
      assert.ok(parent, `gatenews ${h.pid} is a child of the nntp runner: ${JSON.stringify(procs)}`);
      const gatenews = `/usr/bin/python3 /usr/lib/mailman3/bin/mailman -C ${m.configFile} gatenews`;
      assert.ok([gatenews, parent.cmdline, ''].includes(h.cmdline), JSON.stringify(h));
    }
    const runners = procs.filter((p) => p.role !== 'master' && !p.role.startsWith('helper:'));
    assert.ok(runners.every((p) => !p.role.startsWith('other:')), JSON.stringify(runners));
    const byName = await m.runnerPids();
    assert.deepEqual([...byName.keys()].sort(), [...MAILMAN_DEFAULT_RUNNERS].sort());
    assert.equal(byName.size, 13);
    const counts = Object.fromEntries([...byName].map(([k, v]) => [k, v.length]));
    assert.deepEqual(counts, Object.fromEntries(MAILMAN_DEFAULT_RUNNERS.map((r) => [r, r === 'rest' ? 3 : 1])));
    assert.equal(runners.length, 15);
    facts.processesPerRunner = counts;
    facts.totalRunnerProcesses = runners.length;

    for (const p of runners) {
      assert.equal(p.cmdline, `/usr/bin/python3 /usr/lib/mailman3/bin/runner -C ${m.configFile} --runner=${p.role}:0:1`);
      assert.equal(readStat(p.pid)!.comm, 'python3');
    }
    // REST: the runner (child of the master) forks `workers` gunicorn children with the same cmdline
    const rest = runners.filter((p) => p.role === 'rest');
    const restParent = rest.filter((p) => p.ppid === m.masterPid);
    assert.equal(restParent.length, 1);
    assert.equal(rest.filter((p) => p.ppid === restParent[0].pid).length, 2);
    facts.runnerCmdlines = runners.map((p) => `${p.ppid === m.masterPid ? 'child of master' : 'child of rest runner'}: ${normalize(p.cmdline, m)}`);
    facts.masterComm = readStat(m.masterPid)!.comm;
    facts.masterExe = fs.readlinkSync(`/proc/${m.masterPid}/exe`);

    // the REST API answers on its loopback port
    const res = await fetch(`${m.restUrl}/system/versions`, { headers: { authorization: m.restAuthorization } });
    assert.equal(res.status, 200);
    facts.restVersions = await res.json();
  });

  it('creates the 3.3.8 queue directories', () => {
    const names = mm!.queueNames();
    facts.queueDirs = names;
    assert.deepEqual(names, [...MAILMAN_QUEUES]);
    for (const q of names) assert.deepEqual(mm!.queueFiles(q), [], `queue ${q} starts empty`);
  });

  it('process-exporter: one group per runner and the master, REST counts its workers', async () => {
    const m = mm!;
    const ours = await m.runnerPids();
    const oursAll = new Set([m.masterPid, ...[...ours.values()].flat()]);
    // host-wide expectation from an independent /proc scan with the same regexes
    const expectHost = () => {
      const e = new Map<string, number>();
      for (const r of MAILMAN_DEFAULT_RUNNERS) e.set(`mailman-runner-${r}`, hostMatches(new RegExp(mailmanRunnerRegex(r))).length);
      e.set('mailman-master', hostMatches(new RegExp(MAILMAN_MASTER_REGEX)).length);
      return e;
    };
    const got = await waitFor(
      async () => {
        const g = groupsOf(await scrape(pe!.url));
        const e = expectHost();
        return [...e].every(([k, v]) => g.get(k) === v) ? g : undefined;
      },
      { timeoutMs: 15_000, what: 'process-exporter counts to equal a /proc scan' },
      async () => JSON.stringify([...groupsOf(await scrape(pe!.url))]),
    );
    // this instance alone: exactly rest 3, every other runner 1, master 1
    for (const r of MAILMAN_DEFAULT_RUNNERS) {
      const mine = hostMatches(new RegExp(mailmanRunnerRegex(r))).filter((p) => oursAll.has(p));
      const numeric = (pids: readonly number[] = []) => [...pids].sort((a, b) => a - b);
      assert.deepEqual(numeric(mine), numeric(ours.get(r)), `regex for ${r} selects exactly this instance's ${r} processes`);
    }
    assert.deepEqual(
      hostMatches(new RegExp(MAILMAN_MASTER_REGEX)).filter((p) => oursAll.has(p)),
      [m.masterPid],
    );
    const foreign = hostMatches(/\/usr\/lib\/mailman3\/bin\/(runner|master)/).filter((p) => !oursAll.has(p));
    facts.processExporterFirstScrape = Object.fromEntries(got);
    facts.foreignMailmanProcessesDuringRun = foreign.length;
    if (foreign.length === 0) {
      assert.equal(got.get('mailman-runner-rest'), 3);
      assert.equal(got.get('mailman-master'), 1);
      for (const r of MAILMAN_DEFAULT_RUNNERS) if (r !== 'rest') assert.equal(got.get(`mailman-runner-${r}`), 1, r);
    }
    assert.equal(got.size, 14);

    // matching semantics: regexes see argv joined by spaces, argv[0] = /usr/bin/python3; first match wins
    const pg = groupsOf(await scrape(probe!.url));
    facts.processExporterProbe = Object.fromEntries(pg);
    facts.processExporterConfig = fs.readFileSync(pe!.configFile, 'utf8');
    assert.equal(pg.get('probe-joined-argv'), hostMatches(/^\/usr\/bin\/python3 \/usr\/lib\/mailman3\/bin\/runner -C [^ ]+ --runner=out:0:1$/).length);
    assert.ok((pg.get('probe-joined-argv') ?? 0) >= 1);
    assert.ok(!pg.has('probe-script-as-argv0') || pg.get('probe-script-as-argv0') === 0);
    if (foreign.length === 0) assert.equal(pg.get('probe-any-runner'), 14);
    assert.ok((pg.get('probe-comm-python3') ?? 0) >= 1, 'the master (comm python3) falls to the comm group');

    // the anchored regexes count the same processes
    const hg = await waitFor(
      async () => {
        const g = groupsOf(await scrape(hard!.url));
        const e = expectHost();
        return [...e].every(([k, v]) => g.get(k) === v) ? g : undefined;
      },
      { timeoutMs: 15_000, what: 'anchored process-exporter counts to equal a /proc scan' },
    );
    facts.anchoredFirstScrape = Object.fromEntries(hg);
    facts.anchoredConfig = fs.readFileSync(hard!.configFile, 'utf8');

    // a process (any user) whose command line merely mentions the candidate pattern is counted by the
    // unanchored regex, and so is its non-matching child (-children defaults to true); not by the anchored one
    const decoy = spawn('/bin/sh', ['-c', 'sleep 300; :', 'decoy', mailmanRunnerRegex('out')], { stdio: 'ignore' });
    const decoyRef = procRef(decoy.pid!)!;
    exporterRefs.push(decoyRef);
    let sleeperRef: ProcRef | undefined;
    try {
      const sleeper = await waitFor(() => descendants(decoy.pid!)[0], { timeoutMs: 10_000, what: 'decoy sleep' });
      sleeperRef = procRef(sleeper)!;
      exporterRefs.push(sleeperRef);
      facts.decoyCmdline = cmdlineString(decoy.pid!);
      const realOut = () => hostMatches(new RegExp(mailmanRunnerRegexAnchored('out'))).length;
      const seen = await waitFor(
        async () => {
          const c = valueOf(await scrape(pe!.url), 'namedprocess_namegroup_num_procs', { groupname: 'mailman-runner-out' });
          const a = valueOf(await scrape(hard!.url), 'namedprocess_namegroup_num_procs', { groupname: 'mailman-runner-out' });
          const real = realOut();
          return c === real + 2 && a === real ? { candidate: c, anchored: a, real } : undefined;
        },
        { timeoutMs: 15_000, what: 'candidate regex to count the decoy and its child, anchored not' },
      );
      facts.decoyCounts = seen;
      const pg2 = await pgrep(mailmanRunnerRegex('out'));
      assert.ok(!pg2.includes(decoy.pid!), 'pgrep -u list does not see the root-owned decoy');
      decoy.kill('SIGTERM');
      const left = await terminate([decoyRef, sleeperRef], { graceMs: 5_000 });
      assert.deepEqual(left, []);
    } finally {
      await terminate([decoyRef, ...(sleeperRef ? [sleeperRef] : [])].filter(isAlive), { graceMs: 2_000 });
    }
  });

  it('pgrep -u list -f with the same patterns counts the same processes', async () => {
    const m = mm!;
    const ours = await m.runnerPids();
    const uid = listUid();
    const counts: Record<string, number> = {};
    for (const r of MAILMAN_DEFAULT_RUNNERS) {
      const got = await pgrep(mailmanRunnerRegex(r));
      counts[r] = got.length;
      assert.deepEqual(got, hostMatches(new RegExp(mailmanRunnerRegex(r)), uid).sort((a, b) => a - b));
      for (const pid of ours.get(r)!) assert.ok(got.includes(pid), `pgrep ${r} finds ${pid}`);
    }
    const master = await pgrep(MAILMAN_MASTER_REGEX);
    assert.ok(master.includes(m.masterPid));
    counts.master = master.length;
    counts.allRunners = (await pgrep('/usr/lib/mailman3/bin/runner ')).length;
    facts.pgrepCounts = counts;
    if ((facts.foreignMailmanProcessesDuringRun as number) === 0) {
      assert.equal(counts.rest, 3);
      assert.equal(counts.master, 1);
      assert.equal(counts.allRunners, 15);
    }
  });

  it('mailman inject: queue file names, and the message moves from out to retry with SMTP refused', async () => {
    const m = mm!;
    await m.createList(LIST, { members: [MEMBER] });
    const before = Date.now() / 1000;
    const seen = new Map<string, Set<string>>();
    const msgId = await m.inject(LIST, { from: MEMBER });
    const observe = () => {
      for (const q of MAILMAN_QUEUES) {
        for (const f of m.queueFiles(q)) {
          const s = seen.get(q) ?? new Set<string>();
          s.add(f);
          seen.set(q, s);
        }
      }
    };
    observe();
    await waitFor(
      () => {
        observe();
        const busy = ['in', 'pipeline', 'out', 'virgin'].some((q) => m.queueFiles(q).length > 0);
        return m.queueFiles('retry').length > 0 && !busy;
      },
      { timeoutMs: 30_000, intervalMs: 20, what: 'the injected message to reach the retry queue' },
      () => JSON.stringify(Object.fromEntries(MAILMAN_QUEUES.map((q) => [q, m.queueFiles(q)]))),
    );
    const after = Date.now() / 1000;
    const retry = m.queueFiles('retry');
    assert.equal(retry.length, 1, `one post to one member gives one retry file: ${retry}`);
    const match = QUEUE_FILE_RE.exec(retry[0]);
    assert.ok(match, retry[0]);
    assert.equal(match[3], 'pck');
    const ts = Number(match[1]);
    assert.ok(ts >= before - 1 && ts <= after + 1, `file name time ${ts} is the enqueue time`);
    for (const files of seen.values()) for (const f of files) assert.match(f, QUEUE_FILE_RE);
    facts.injectMessageId = msgId;
    facts.queueFilesSeenAfterInject = Object.fromEntries([...seen].map(([q, s]) => [q, [...s]]));
    facts.retryFileAfterInject = retry[0];
    const smtpLog = path.join(m.varDir, 'logs', 'smtp.log');
    facts.smtpLogTail = fs.existsSync(smtpLog) ? fs.readFileSync(smtpLog, 'utf8').split('\n').slice(-5) : [];
    facts.mailmanLogAfterInject = fs
      .readFileSync(m.logFile, 'utf8')
      .split('\n')
      .filter((l) => /SMTP|refused|HOLD|error/i.test(l))
      .slice(-10);
  });

  it('a SIGKILLed out runner stays dead (a zombie until the master is signalled); `mailman restart` does not revive it; stop + start does', async () => {
    const m = mm!;
    const masterBefore = m.masterPid;
    const outBefore = (await m.runnerPids()).get('out')!;
    let t = Date.now();
    const killed = await m.killRunner('out', { signal: 'SIGKILL' });
    timings.outKilledToNotRunningMs = Date.now() - t;
    assert.deepEqual(killed, outBefore);

    // The master sits in signal.pause() until its first handled signal, so it does not reap the dead runner:
    // the runner stays a zombie (state Z, empty cmdline) under the master.
    const st = readStat(killed[0]);
    facts.killedOutStat = st ? { state: st.state, ppidIsMaster: st.ppid === masterBefore, cmdline: cmdlineString(killed[0]) } : 'gone';
    facts.masterWchanBeforeSignal = fs.readFileSync(`/proc/${masterBefore}/wchan`, 'utf8');
    assert.equal(st?.state, 'Z', 'a fresh master leaves the killed runner a zombie');
    assert.equal(st?.ppid, masterBefore);

    // process-exporter keeps counting the zombie in num_procs; only the Zombie state tells it is dead
    const outGroup = async () => {
      const s = await scrape(pe!.url);
      return {
        numProcs: valueOf(s, 'namedprocess_namegroup_num_procs', { groupname: 'mailman-runner-out' }),
        zombie: valueOf(s, 'namedprocess_namegroup_states', { groupname: 'mailman-runner-out', state: 'Zombie' }),
        groups: groupsOf(s).size,
        hostLive: hostMatches(new RegExp(mailmanRunnerRegex('out'))).length,
      };
    };
    const zombieView = await waitFor(
      async () => {
        const g = await outGroup();
        return (g.numProcs ?? 0) - (g.zombie ?? 0) === g.hostLive && (g.zombie ?? 0) >= 1 ? g : undefined;
      },
      { timeoutMs: 15_000, what: 'process-exporter to report the out runner as a zombie' },
      async () => JSON.stringify(await outGroup()),
    );
    facts.processExporterOutWhileZombie = zombieView;
    // -recheck does not change that: the zombie stays in its group
    const recheckView = await waitFor(
      async () => {
        const s = await scrape(recheck!.url);
        const g = {
          numProcs: valueOf(s, 'namedprocess_namegroup_num_procs', { groupname: 'mailman-runner-out' }),
          zombie: valueOf(s, 'namedprocess_namegroup_states', { groupname: 'mailman-runner-out', state: 'Zombie' }),
        };
        return (g.zombie ?? 0) >= 1 ? g : undefined;
      },
      { timeoutMs: 15_000, what: 'the -recheck process-exporter to report the zombie' },
    );
    facts.processExporterRecheckOutWhileZombie = recheckView;
    if (zombieView.hostLive === 0) assert.equal(recheckView.numProcs, 1);
    if (zombieView.hostLive === 0) assert.equal(zombieView.numProcs, 1, 'num_procs still 1 for the zombie');
    assert.deepEqual(
      (await pgrep(mailmanRunnerRegex('out'))).filter((p) => killed.includes(p)),
      [],
      'pgrep -f does not find the zombie (its cmdline is empty)',
    );
    facts.pgrepOutWhileZombie = (await pgrep(mailmanRunnerRegex('out'))).length;

    // a message posted now stays in `out`
    const outFilesBefore = new Set(m.queueFiles('out'));
    await m.inject(LIST, { from: MEMBER, subject: 'while out is dead' });
    const stuck = await waitFor(
      () => {
        const f = m.queueFiles('out').filter((x) => !outFilesBefore.has(x));
        const busy = ['in', 'pipeline'].some((q) => m.queueFiles(q).length > 0);
        return f.length > 0 && !busy ? f : undefined;
      },
      { timeoutMs: 30_000, what: 'the post to reach the out queue' },
      () => JSON.stringify(Object.fromEntries(MAILMAN_QUEUES.map((q) => [q, m.queueFiles(q)]))),
    );
    facts.outFileWhileOutDead = stuck;

    // `mailman restart` (SIGUSR1 to the master; Debian's ExecReload) restarts only the runners it still has
    const beforeRestart = await m.runnerPids();
    t = Date.now();
    const r = await m.mailman(['restart']);
    assert.equal(r.code, 0, r.stderr);
    facts.restartOutput = r.stdout.trim();
    const afterRestart = await waitFor(
      async () => {
        const now = await m.runnerPids();
        for (const name of MAILMAN_DEFAULT_RUNNERS) {
          if (name === 'out' || name === 'rest') continue;
          const pids = now.get(name) ?? [];
          if (pids.length !== 1 || pids[0] === beforeRestart.get(name)![0]) return undefined;
          if (!fs.readFileSync(m.logFile, 'utf8').includes(`(${pids[0]}) ${name} runner started.`)) return undefined;
        }
        return now;
      },
      { timeoutMs: 120_000, what: 'mailman restart to replace the runners' },
      async () => JSON.stringify([...(await m.runnerPids())]),
    );
    timings.mailmanRestartMs = Date.now() - t;
    assert.equal(m.masterPid, masterBefore, 'restart keeps the master');
    assert.equal(afterRestart.get('out'), undefined, 'out is not revived by mailman restart');
    facts.restRunnerKeptPidsOnRestart =
      JSON.stringify(afterRestart.get('rest')) === JSON.stringify(beforeRestart.get('rest'));
    assert.equal(readStat(killed[0])?.state === 'Z', false, 'the signalled master reaped the zombie');
    assert.deepEqual(m.queueFiles('out').filter((x) => stuck.includes(x)), stuck, 'the post is still in out');

    // once reaped, the group stays with num_procs 0 (or disappears)
    const reaped = await waitFor(
      async () => {
        const g = await outGroup();
        return (g.zombie ?? 0) === 0 && (g.numProcs ?? 0) === g.hostLive ? g : undefined;
      },
      { timeoutMs: 15_000, what: 'process-exporter to drop the reaped out runner' },
      async () => JSON.stringify(await outGroup()),
    );
    facts.processExporterOutAfterReap = reaped;
    if (reaped.hostLive === 0) assert.equal(reaped.numProcs, 0, 'the mailman-runner-out series stays, with 0');

    // a master that has been signalled once waits in os.wait(): a runner killed now is reaped at once.
    // `command` has no children; nntp would leave its gatenews child (just started by the restart) to
    // PID 1, still counted in its process-exporter group (-children) until it ends.
    const command = await m.killRunner('command', { signal: 'SIGKILL' });
    await waitFor(() => readStat(command[0]) === undefined, { timeoutMs: 10_000, what: 'the command runner to be reaped' });
    facts.killedCommandAfterSignalledMaster = 'reaped (no /proc entry)';
    const commandView = await waitFor(
      async () => {
        const s = await scrape(pe!.url);
        const n = valueOf(s, 'namedprocess_namegroup_num_procs', { groupname: 'mailman-runner-command' });
        const host = hostMatches(new RegExp(mailmanRunnerRegex('command'))).length;
        return (n ?? 0) === host ? { numProcs: n, hostLive: host } : undefined;
      },
      { timeoutMs: 15_000, what: 'process-exporter to see command gone' },
    );
    facts.processExporterCommandAfterKill = commandView;
    assert.equal((await m.runnerPids()).get('command'), undefined, 'the master does not restart a SIGKILLed runner');

    // stop + start brings them back (start without --force, to record that master command line too)
    t = Date.now();
    await m.stopProcesses();
    timings.stopMs = Date.now() - t;
    t = Date.now();
    await m.start({ force: false });
    timings.startAgainToReadyMs = Date.now() - t;
    const back = await m.runnerPids();
    assert.equal(back.get('out')?.length, 1);
    assert.equal(back.get('command')?.length, 1);
    const masterCmd = (await m.processes()).find((p) => p.role === 'master')!.cmdline;
    assert.equal(masterCmd, `/usr/bin/python3 /usr/lib/mailman3/bin/master -C ${m.configFile}`);
    facts.masterCmdlineWithoutForce = normalize(masterCmd, m);
    await waitFor(
      async () =>
        (valueOf(await scrape(pe!.url), 'namedprocess_namegroup_num_procs', { groupname: 'mailman-runner-out' }) ?? 0) >= 1,
      { timeoutMs: 15_000, what: 'process-exporter to see out again' },
    );

    // the revived out runner fails delivery again: out -> retry, under a new file name
    const retried = await waitFor(
      () => (m.queueFiles('out').length === 0 && m.queueFiles('retry').length >= 2 ? m.queueFiles('retry') : undefined),
      { timeoutMs: 30_000, what: 'the stuck post to move to retry' },
      () => JSON.stringify(Object.fromEntries(MAILMAN_QUEUES.map((q) => [q, m.queueFiles(q)]))),
    );
    for (const f of stuck) assert.ok(!retried.includes(f), 'moving queues gives a new file name (new enqueue time)');
    facts.retryFilesAfterRestart = retried;
  });

  it('stop() stops every recorded PID and removes the temp dir', async () => {
    const m = mm!;
    await m.runnerPids();
    const refs = m.recordedPids();
    assert.ok(refs.length >= 16, `recorded ${refs.length}`);
    const t = Date.now();
    await m.stop();
    timings.finalStopMs = Date.now() - t;
    assert.deepEqual(refs.filter(isAlive), []);
    assert.equal(fs.existsSync(m.root), false);
    for (const e of [pe!, hard!, recheck!, probe!, ne!]) assert.ok(exporterAlive(e));
  });

  it('node exporter reports filesystems and reads its textfile directory', async () => {
    const n = ne!;
    fs.writeFileSync(
      path.join(n.textfileDir, 'e2e.prom'),
      '# TYPE mailman_queue_messages gauge\nmailman_queue_messages{queue="out"} 3\nmailman_queue_messages{queue="a \\"b\\""} 1\n',
    );
    const s = await scrape(n.url);
    assert.equal(valueOf(s, 'mailman_queue_messages', { queue: 'out' }), 3);
    assert.equal(valueOf(s, 'mailman_queue_messages', { queue: 'a "b"' }), 1);
    const root = select(s, 'node_filesystem_files_free', { mountpoint: '/' });
    assert.equal(root.length, 1);
    for (const name of ['node_filesystem_files', 'node_filesystem_avail_bytes', 'node_filesystem_size_bytes', 'node_filesystem_readonly']) {
      assert.equal(select(s, name, { mountpoint: '/' }).length, 1, name);
    }
    facts.nodeExporterArgv = n.argv.map((a) => a.split(n.textfileDir).join('TEXTFILE_DIR'));
    facts.nodeExporterFilesystems = select(s, 'node_filesystem_files').map((x) => x.labels);
  });
});
