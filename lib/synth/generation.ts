/**
 * Generation markers: every synth writes the same marker file, holding one
 * digest of everything it wrote, at the top of the output, in each stack
 * directory and in each stack's hosts/ and monitoring/. The digest is of the
 * content, so two synths of the same app write the same markers (output
 * stays byte-identical) and two different synths different ones.
 * `listhost lint` rejects an output whose markers disagree: files of two
 * synths mixed (copied over by hand, or swapped one by one on a mount point).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const GENERATION_FILE = '.listhost-generation';

/** Directories of a stack that carry a marker when they exist. */
export const MARKED_STACK_SUBDIRECTORIES = ['hosts', 'monitoring'] as const;

interface ManifestStacks {
  readonly stacks: Record<string, { readonly workingDirectory: string; readonly synthesizedStackPath?: string }>;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Computes the generation of the output in `tree` (from its manifest, each
 * stack's synthesized Terraform file and the digest of the files the
 * library wrote for it) and writes the markers.
 */
export function writeGenerationMarkers(tree: string, artifactDigests: ReadonlyMap<string, string>): string {
  const manifestText = readFileSync(join(tree, 'manifest.json'));
  const manifest = JSON.parse(manifestText.toString('utf8')) as ManifestStacks;
  const hash = createHash('sha256').update('listhost-generation 1\n').update(createHash('sha256').update(manifestText).digest('hex'));
  const names = Object.keys(manifest.stacks).sort();
  for (const name of names) {
    const entry = manifest.stacks[name];
    const tf = entry.synthesizedStackPath && existsSync(join(tree, entry.synthesizedStackPath)) ? readFileSync(join(tree, entry.synthesizedStackPath)) : Buffer.alloc(0);
    hash.update(`\n${JSON.stringify(name)} ${createHash('sha256').update(tf).digest('hex')} ${artifactDigests.get(name) ?? '-'}`);
  }
  const generation = hash.digest('hex');
  const content = `${generation}\n`;
  writeFileSync(join(tree, GENERATION_FILE), content);
  for (const name of names) {
    const dir = join(tree, manifest.stacks[name].workingDirectory);
    if (!isDirectory(dir)) continue;
    writeFileSync(join(dir, GENERATION_FILE), content);
    for (const sub of MARKED_STACK_SUBDIRECTORIES) if (isDirectory(join(dir, sub))) writeFileSync(join(dir, sub, GENERATION_FILE), content);
  }
  return generation;
}

/** A marker as read back: its path relative to the output, and its content (undefined when missing). */
export interface MarkerReading {
  readonly path: string;
  readonly generation: string | undefined;
}

function readMarker(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/**
 * The markers an output should carry for the stacks its manifest names
 * (working directories relative to `root`), as found. An output written
 * before markers existed has none at all.
 */
export function readGenerationMarkers(root: string, stackDirectories: readonly string[]): MarkerReading[] {
  const readings: MarkerReading[] = [{ path: GENERATION_FILE, generation: readMarker(join(root, GENERATION_FILE)) }];
  for (const workingDirectory of stackDirectories) {
    const dir = join(root, workingDirectory);
    // A missing stack directory is the loader's to report (truncated output).
    if (!isDirectory(dir)) continue;
    readings.push({ path: `${workingDirectory}/${GENERATION_FILE}`, generation: readMarker(join(dir, GENERATION_FILE)) });
    for (const sub of MARKED_STACK_SUBDIRECTORIES) {
      if (isDirectory(join(dir, sub))) readings.push({ path: `${workingDirectory}/${sub}/${GENERATION_FILE}`, generation: readMarker(join(dir, sub, GENERATION_FILE)) });
    }
  }
  return readings;
}

/** The first marker that disagrees with the top one, or undefined when they all agree (or there are none). */
export function generationMismatch(readings: readonly MarkerReading[]): { readonly expected: string | undefined; readonly found: MarkerReading } | undefined {
  if (readings.every((r) => r.generation === undefined)) return undefined;
  const expected = readings[0].generation;
  const found = readings.find((r) => r.generation !== expected);
  return found && { expected, found };
}
