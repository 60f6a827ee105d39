/** What the main thread and the policy thread (policy-thread.ts) send each other. */
import type { MessagePort } from 'node:worker_threads';
import type { HostModel } from '../model/types';
import type { SynthMessage } from '../policy/synth-validation';
import type { FleetHost } from '../policy/types';
import type { ArtifactFile } from './stack-artifacts';

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

/**
 * A stack's files as posted to the worker: each distinct text once. Hosts
 * with the same settings get the same bytes for most of their files
 * (generatedHeader, lib/render/shell.ts), so this copies about half the
 * bytes of the files between the threads, and the worker holds one string
 * per distinct text, which the secret scan then finds again by identity.
 */
export interface PackedArtifacts {
  /** Relative paths, in the stack's order. */
  readonly paths: readonly string[];
  /** For each path, its text's index in `texts`. */
  readonly textIndex: Uint32Array;
  readonly texts: readonly string[];
}

/** Packs a stack's files; files with the same trigger (sha256 of mode and content) share one text. */
export function packArtifacts(files: ReadonlyMap<string, ArtifactFile>): PackedArtifacts {
  const paths: string[] = [];
  const textIndex = new Uint32Array(files.size);
  const texts: string[] = [];
  const byTrigger = new Map<string, number>();
  for (const [path, file] of files) {
    let index = file.trigger === undefined ? undefined : byTrigger.get(file.trigger);
    if (index === undefined) {
      index = texts.push(file.content) - 1;
      if (file.trigger !== undefined) byTrigger.set(file.trigger, index);
    }
    textIndex[paths.length] = index;
    paths.push(path);
  }
  return { paths, textIndex, texts };
}

/** The files of a packed stack, relative path -> content, in the stack's order. */
export function unpackArtifacts(packed: PackedArtifacts): Map<string, { readonly content: string }> {
  const files = packed.texts.map((content) => ({ content }));
  return new Map(packed.paths.map((path, i) => [path, files[packed.textIndex[i]]]));
}

/** One stack as its validation sees it: hosts with construct paths, and its files. */
export interface PolicyJob {
  /** The stack's construct path: what the answer is matched by. */
  readonly key: string;
  /** The stack's name (its construct id), as findings show it. */
  readonly stack: string;
  readonly hosts: readonly { readonly model: HostModel; readonly constructPath: string }[];
  readonly artifacts: PackedArtifacts;
}

export interface PolicyVerdict {
  readonly errors: readonly SynthMessage[];
  readonly warnings: readonly SynthMessage[];
}

export type PolicyAnswer = ({ readonly key: string } & PolicyVerdict) | { readonly key: string; readonly failed: string };
