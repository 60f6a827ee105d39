/** What the main thread and the policy thread (policy-thread.ts) send each other. */
import type { MessagePort } from 'node:worker_threads';
import type { HostModel } from '../model/types';
import type { SynthMessage } from '../policy/synth-validation';
import type { FleetHost } from '../policy/types';

/**
 * Int32 slots of the shared state: a wake-up counter the worker bumps after
 * each answer it posts (and when it fails or exits), and whether it has
 * failed (no more answers will come).
 */
export const WAKEUPS = 0;
export const FAILED = 1;
export const STATE_SLOTS = 2;

export interface PolicyThreadData {
  readonly state: SharedArrayBuffer;
  /** Every host of the app, for platform uniformity. */
  readonly fleet: readonly FleetHost['model'][];
  /** Where the worker posts its answers. */
  readonly answers: MessagePort;
}

/** One stack as its validation sees it: hosts with construct paths, and its files (relative path -> file). */
export interface PolicyJob {
  /** The stack's construct path: what the answer is matched by. */
  readonly key: string;
  /** The stack's name (its construct id), as findings show it. */
  readonly stack: string;
  readonly hosts: readonly { readonly model: HostModel; readonly constructPath: string }[];
  readonly artifacts: ReadonlyMap<string, { readonly content: string }>;
}

export interface PolicyVerdict {
  readonly errors: readonly SynthMessage[];
  readonly warnings: readonly SynthMessage[];
}

export type PolicyAnswer = ({ readonly key: string } & PolicyVerdict) | { readonly key: string; readonly failed: string };
