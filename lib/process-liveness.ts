/**
 * Whether a process that left a file behind (a lock, a temporary file) still
 * runs. A pid alone can be reused by another process (usual in CI
 * containers); where the process's start time was recorded too, a different
 * start time means the recorded process is gone.
 */
import { readFileSync } from 'node:fs';

/** The process's start time (clock ticks since boot, /proc/<pid>/stat field 22), or '' where unknown. */
export function processStartTime(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (the command) may hold spaces and parentheses: count from the last ')'; field 3 comes next.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[22 - 3] ?? '';
  } catch {
    return '';
  }
}

/** Whether `pid` runs and, when `start` (processStartTime) was recorded, is still the same process. */
export function processRuns(pid: number, start = ''): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const now = start === '' ? '' : processStartTime(pid);
  return start === '' || now === '' || now === start;
}
