/**
 * LH015: no secret in plain text in any written file (each host's files,
 * the stack's shared files) or in a host spec file.
 */
import { findSecrets } from '../artifacts/secrets';
import { fromViolations, type ArtifactStore, type RuleImplementation, type Violation } from '../types';
import { violation } from './support';

function scan(file: string, text: string): Violation[] {
  return findSecrets(text).map((hit) =>
    violation(
      `secret:${file}:${hit.line}`,
      `${file} line ${hit.line} holds ${hit.what} in plain text`,
      { file, line: hit.line },
    ),
  );
}

function scanFiles(artifacts: ArtifactStore, paths: readonly string[]): Violation[] {
  const out: Violation[] = [];
  for (const path of paths) {
    const text = artifacts.get(path);
    if (text !== undefined) out.push(...scan(artifacts.display(path), text));
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
