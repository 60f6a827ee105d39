/**
 * LH015: no secret in plain text in any written file (each host's files,
 * the stack's shared files) or in a host spec file.
 */
import { findSecrets, type SecretHit } from '../artifacts/secrets';
import { fromViolations, type ArtifactStore, type RuleImplementation, type Violation } from '../types';
import { violation } from './support';

function scan(file: string, text: string, hitsFor: (text: string) => readonly SecretHit[] = findSecrets): Violation[] {
  return hitsFor(text).map((hit) =>
    violation(
      `secret:${file}:${hit.line}`,
      `${file} line ${hit.line} holds ${hit.what} in plain text`,
      { file, line: hit.line },
    ),
  );
}

/**
 * Hits by file text, per artifact store: about half of a host's files are
 * the same bytes on every host of a fleet (units, scripts), scanned once.
 */
const hitsByStore = new WeakMap<ArtifactStore, Map<string, readonly SecretHit[]>>();

function scanFiles(artifacts: ArtifactStore, paths: readonly string[]): Violation[] {
  let seen = hitsByStore.get(artifacts);
  if (!seen) hitsByStore.set(artifacts, (seen = new Map()));
  const hitsFor = (text: string): readonly SecretHit[] => {
    let hits = seen.get(text);
    if (!hits) seen.set(text, (hits = findSecrets(text)));
    return hits;
  };
  const out: Violation[] = [];
  for (const path of paths) {
    const text = artifacts.get(path);
    if (text !== undefined) out.push(...scan(artifacts.display(path), text, hitsFor));
  }
  return out;
}

export const NoPlaintextSecrets: RuleImplementation = {
  checkHost(host) {
    if (!host.stack) return { status: 'compliant' };
    return fromViolations(scanFiles(host.stack.artifacts, host.stack.index.hostFiles(host.model.fqdn)));
  },
  checkStack(stack) {
    return fromViolations(scanFiles(stack.artifacts, stack.index.sharedFiles()));
  },
  checkSource(source) {
    return fromViolations(scan(source.file, source.text));
  },
};
