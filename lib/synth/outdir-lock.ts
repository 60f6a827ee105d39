/**
 * One synth at a time per output directory. Two synths swapping the same
 * outdir would each move the other's output aside, and the previous
 * output's `.terraform` and state could end up in a directory one of them
 * deletes. The lock is a file created exclusively (`O_EXCL`) holding the
 * holder's pid and, on Linux, its start time, so a pid reused by another
 * process (usual in CI containers) is not taken for the synth that died.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { processRuns, processStartTime } from '../process-liveness';

function busy(outdir: string, lockPath: string, pid: number | undefined): Error {
  return new Error(
    `cdktf-listhost: another synth${pid === undefined ? '' : ` (pid ${pid})`} is writing ${outdir}; ` +
      `wait for it to finish, or remove ${lockPath} if no synth is running`,
  );
}

/**
 * Takes the lock at `lockPath` for `outdir`, or throws naming the synth
 * that holds it. A lock whose process is gone is taken over. Returns the
 * release function (safe to call twice).
 */
export function lockOutdir(lockPath: string, outdir: string): () => void {
  const identity = `${process.pid} ${processStartTime(process.pid)}\n`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockPath, identity, { flag: 'wx' });
      let released = false;
      return () => {
        if (released) return;
        released = true;
        rmSync(lockPath, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let holder = '';
    try {
      holder = readFileSync(lockPath, 'utf8');
    } catch {
      continue; // released meanwhile: try again
    }
    const [pidText, start = ''] = holder.trim().split(' ');
    const pid = Number(pidText);
    // Our own pid with our start time is a lock this process failed to release: stale too.
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && processRuns(pid, start)) throw busy(outdir, lockPath, pid);
    rmSync(lockPath, { force: true });
  }
  throw busy(outdir, lockPath, undefined);
}
