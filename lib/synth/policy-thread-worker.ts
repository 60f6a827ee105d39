/**
 * The policy thread's side (policy-thread.ts): runs the synth-time policy
 * over each stack it is sent and answers with the errors and warnings, in
 * the order sent. After each answer it bumps the shared counter, so a main
 * thread waiting in `Atomics.wait` wakes up.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runSynthPolicy } from '../policy/synth-validation';
import { WAKEUPS, FAILED, unpackArtifacts, type PolicyAnswer, type PolicyJob, type PolicyThreadData } from './policy-thread-protocol';

const { state: buffer, answers, fleet } = workerData as PolicyThreadData;
const state = new Int32Array(buffer);

function notify(): void {
  Atomics.add(state, WAKEUPS, 1);
  Atomics.notify(state, WAKEUPS);
}

function fail(): void {
  Atomics.store(state, FAILED, 1);
  notify();
}

// A main thread waiting in Atomics.wait cannot see the worker's 'error' or
// 'exit' events: say it here, so it stops waiting at once.
process.on('uncaughtException', fail);
process.on('exit', fail);

parentPort!.on('message', (job: PolicyJob) => {
  let answer: PolicyAnswer;
  try {
    const result = runSynthPolicy({ stack: job.stack, hosts: job.hosts, artifacts: unpackArtifacts(job.artifacts), appHosts: fleet });
    answer = { key: job.key, errors: result.errors, warnings: result.warnings };
  } catch (error) {
    // The main thread checks this stack itself and meets the same error there.
    answer = { key: job.key, failed: String((error as Error)?.stack ?? error) };
  }
  answers.postMessage(answer);
  notify();
});
