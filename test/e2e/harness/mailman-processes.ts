/**
 * Reading a Mailman master's process tree from /proc: which process is the
 * master, which runner a process is (from `--runner=NAME:SLICE:COUNT`), and
 * the nntp runner's gatenews child, whatever its command line shows.
 */
import * as path from 'node:path';
import { ProcRef, ProcStat, cmdlineString, descendants, readCmdline, readStat } from './proc';
import { MAILMAN_BIN_DIR, MailmanProcess } from './mailman-api';

export function runnerNameOf(cmdline: string[]): string | undefined {
  if (cmdline.length < 2 || cmdline[1] !== path.join(MAILMAN_BIN_DIR, 'runner')) return undefined;
  for (const a of cmdline) {
    const m = /^--runner=([^:]+)(?::|$)/.exec(a);
    if (m) return m[1];
  }
  return undefined;
}

export function isMasterCmdline(cmdline: string[]): boolean {
  return cmdline.length >= 2 && cmdline[1] === path.join(MAILMAN_BIN_DIR, 'master');
}

/**
 * The live master `m` and all its live descendants with their roles and
 * command lines; `onDescendant` is called with each descendant's PID as it
 * is listed (the instance records it for teardown).
 */
export function mailmanProcessTree(m: ProcRef, onDescendant: (pid: number) => void): MailmanProcess[] {
  const out: MailmanProcess[] = [];
  out.push({ pid: m.pid, ppid: readStat(m.pid)?.ppid ?? 0, role: 'master', cmdline: cmdlineString(m.pid) ?? '' });
  const seen: { pid: number; st: ProcStat; cmd: string[] }[] = [];
  for (const pid of descendants(m.pid)) {
    const cmd = readCmdline(pid);
    const st = readStat(pid);
    // A zombie has exited and only waits for its parent to reap it: nothing runs.
    if (!cmd || !st || st.state === 'Z' || st.state === 'X') continue;
    seen.push({ pid, st, cmd });
  }
  const nntpRunners = new Set(seen.filter((p) => p.st.ppid === m.pid && runnerNameOf(p.cmd) === 'nntp').map((p) => p.pid));
  for (const { pid, st, cmd } of seen) {
    // The nntp runner's only child is `mailman gatenews` (runners/nntp.py,
    // subprocess.run). Until that child execs it shows the runner's own
    // command line, and while it exits an empty one, so it is classified by
    // its parent, not by its cmdline.
    const name = nntpRunners.has(st.ppid) ? 'helper:gatenews' : runnerNameOf(cmd);
    onDescendant(pid);
    out.push({ pid, ppid: st.ppid, role: name ?? `other:${st.comm}`, cmdline: cmd.join(' ') });
  }
  return out;
}

/** Runner name -> PIDs (sorted) of the runner processes among `procs`, REST workers included. */
export function runnerPidsByName(procs: readonly MailmanProcess[]): Map<string, number[]> {
  const byName = new Map<string, number[]>();
  for (const p of procs) {
    if (p.role === 'master' || p.role.startsWith('helper:') || p.role.startsWith('other:')) continue;
    const list = byName.get(p.role) ?? [];
    list.push(p.pid);
    byName.set(p.role, list);
  }
  for (const list of byName.values()) list.sort((a, b) => a - b);
  return byName;
}
