/**
 * Issue 8, secrets: ssh keys, REST and database passwords and receiver
 * tokens come in only as Terraform variables or file/environment
 * references. Known secret values are planted where an app could pick them
 * up (TF_VAR_* and other environment variables of the synth, the credential
 * files the app references), the example and two variants of
 * test/hardening/secrets-app.ts are synthesized, and EVERY output file is
 * scanned for every value (raw, base64, base64url, JSON-escaped, and each
 * long line of multi-line values); one variant adds hosts whose strings the
 * property tests' generators made. Props that would take a secret as a
 * value refuse it without echoing it, and LH015 catches a secret planted
 * into an output file after synth.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { App } from 'cdktf';
import { ListhostStack } from '../../lib';
import { runCli } from '../../lib/cli/program';
import { REPO } from '../helpers/synth';

const TSX = pathToFileURL(require.resolve('tsx', { paths: [REPO] })).href;

const SECRETS = {
  sshPrivateKey: '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQPlantedSshKeyBody7Hq2\nQ0xJRU5UIFBMQU5URUQgU1NIIEtFWSBMSU5FIFRXTyBYWVpa9d8f7e6\n-----END OPENSSH PRIVATE KEY-----\n',
  restPassword: 'rest-Pa55"word\\with\nnewline-7f3a9c2e',
  databasePassword: 'db-S3cr3t-ümlaut-İ-91be2d4c',
  pagerToken: 'rcv-token-0c4f1e8b7a6d5c4b3a29f1',
  chatToken: 'chat-token-5e6f7a8b9c0d1e2f3a4b',
  pagerUrl: 'https://events.pager.example.net/v2/enqueue/key-planted-url-secret-3c9d',
  ticketsUrl: 'https://tickets.example.net/api/hook?key=planted-tickets-secret-8b1e',
  smtpPassword: 'smtp-pw-4d2a1f0e9c8b7a6f',
};

/** Every form a value could leak in. */
function forms(value: string): string[] {
  const out = new Set<string>([value, Buffer.from(value).toString('base64'), Buffer.from(value).toString('base64url'), JSON.stringify(value).slice(1, -1)]);
  // Each long line of a multi-line value, alone (but not the generic PEM armour).
  for (const line of value.split('\n')) if (line.length >= 16 && !line.startsWith('-----')) out.add(line);
  // A base64 of the value inside a longer base64 stream starts on any of 3 offsets; the middle is stable.
  const b64 = Buffer.from(value).toString('base64');
  if (b64.length > 24) out.add(b64.slice(4, -4));
  return [...out].filter((f) => f.length >= 12);
}

function allFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (abs: string) => {
    for (const name of readdirSync(abs)) {
      const path = join(abs, name);
      if (lstatSync(path).isDirectory()) walk(path);
      else out.push(path);
    }
  };
  walk(dir);
  return out.sort();
}

interface Scan {
  readonly files: number;
  readonly forms: number;
  readonly hits: string[];
}

function scan(dir: string): Scan {
  const needles = Object.entries(SECRETS).flatMap(([name, value]) => forms(value).map((form) => ({ name, form })));
  const files = allFiles(dir);
  const hits: string[] = [];
  for (const file of files) {
    const text = readFileSync(file).toString('latin1') + '\n' + readFileSync(file).toString('utf8');
    for (const { name, form } of needles) {
      if (text.includes(form) || text.includes(Buffer.from(form).toString('latin1'))) hits.push(`${file.slice(dir.length + 1)}: ${name}`);
    }
  }
  return { files: files.length, forms: needles.length, hits };
}

/** The environment a CI job holding the secrets would run the synth in. */
function plantedEnv(secretsDir: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    CHECKPOINT_DISABLE: '1',
    CI: '1',
    TF_VAR_ssh_private_key: SECRETS.sshPrivateKey,
    TF_VAR_ssh_user: 'deploy',
    TF_VAR_mailman_rest_password: SECRETS.restPassword,
    MAILMAN_REST_PASSWORD: SECRETS.restPassword,
    DATABASE_PASSWORD: SECRETS.databasePassword,
    PGPASSWORD: SECRETS.databasePassword,
    ALERTMANAGER_PAGER_TOKEN: SECRETS.pagerToken,
    SSH_PRIVATE_KEY: SECRETS.sshPrivateKey,
    LISTHOST_SECRETS_DIR: secretsDir,
  };
}

function plantFiles(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'pager-token'), SECRETS.pagerToken, { mode: 0o600 });
  writeFileSync(join(dir, 'chat-token'), SECRETS.chatToken, { mode: 0o600 });
  writeFileSync(join(dir, 'pager-url'), SECRETS.pagerUrl, { mode: 0o600 });
  writeFileSync(join(dir, 'tickets-url'), SECRETS.ticketsUrl, { mode: 0o600 });
  writeFileSync(join(dir, 'smtp-password'), SECRETS.smtpPassword, { mode: 0o600 });
  writeFileSync(join(dir, 'id_ed25519'), SECRETS.sshPrivateKey, { mode: 0o600 });
}

describe('no secret value reaches the output', () => {
  let work: string;
  const outputs = new Map<string, string>();
  const scans = new Map<string, Scan>();

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'listhost-secrets-'));
    const secretsDir = join(work, 'secrets');
    plantFiles(secretsDir);
    const env = plantedEnv(secretsDir);
    // The example through the real `cdktf synth`, as CI runs it.
    const example = join(work, 'example');
    const cli = spawnSync(join(REPO, 'node_modules/.bin/cdktf'), ['synth', '--output', example], { cwd: REPO, env, encoding: 'utf8' });
    assert.equal(cli.status, 0, `${cli.stdout}\n${cli.stderr}`);
    outputs.set('examples/wikimedia-lists (cdktf synth)', example);
    for (const variant of ['url-file', 'credentials', 'fuzzed']) {
      const out = join(work, variant);
      const run = spawnSync(process.execPath, ['--import', TSX, join(REPO, 'test/hardening/secrets-app.ts')], { cwd: REPO, env: { ...env, CDKTF_OUTDIR: out, LISTHOST_SECRETS_VARIANT: variant }, encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      outputs.set(`secrets-app ${variant}`, out);
    }
    for (const [name, dir] of outputs) scans.set(name, scan(dir));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('the variants reference the secrets: Terraform variables and credential files', () => {
    const tf = JSON.parse(readFileSync(join(outputs.get('secrets-app credentials')!, 'stacks/lists/cdk.tf.json'), 'utf8'));
    assert.equal(tf.variable.ssh_private_key.sensitive, true);
    const credentials = readFileSync(join(outputs.get('secrets-app credentials')!, 'stacks/lists/monitoring/alertmanager/alertmanager.yml'), 'utf8');
    for (const file of ['pager-token', 'chat-token', 'smtp-password']) assert.ok(credentials.includes(join(work, 'secrets', file)), file);
    const urlFile = readFileSync(join(outputs.get('secrets-app url-file')!, 'stacks/lists/monitoring/alertmanager/alertmanager.yml'), 'utf8');
    assert.ok(urlFile.includes(`url_file: ${join(work, 'secrets', 'pager-url')}`));
  });

  for (const name of ['examples/wikimedia-lists (cdktf synth)', 'secrets-app url-file', 'secrets-app credentials', 'secrets-app fuzzed']) {
    it(`${name}: no planted value in any output file`, () => {
      const result = scans.get(name)!;
      assert.ok(result.files > 30, `${result.files} files`);
      console.log(`# secrets scan ${name}: ${Object.keys(SECRETS).length} values, ${result.forms} forms x ${result.files} files, ${result.hits.length} hits`);
      assert.deepEqual(result.hits, []);
    });
  }

  it('the scan finds a value planted in each of its forms (control)', () => {
    const dir = join(work, 'control');
    mkdirSync(dir, { recursive: true });
    const all = Object.values(SECRETS).flatMap(forms);
    all.forEach((form, i) => writeFileSync(join(dir, `f${i}`), `prefix ${form} suffix`));
    assert.equal(scan(dir).hits.length >= all.length, true);
    rmSync(dir, { recursive: true });
  });

  it('the outputs lint clean, LH015 included', async () => {
    for (const [name, dir] of outputs) {
      let stdout = '';
      const code = await runCli(['lint', dir, '--format', 'json'], { stdout: (t) => (stdout += t), stderr: () => undefined, cwd: work });
      assert.equal(code, 0, `${name}: ${stdout.slice(0, 2000)}`);
    }
  });

  it('LH015 catches a secret planted into an output file after synth', async () => {
    const dir = outputs.get('secrets-app credentials')!;
    const plants: [string, string][] = [
      ['stacks/lists/monitoring/alertmanager/alertmanager.yml', `\n# leaked\nsmtp_auth_password: ${JSON.stringify(SECRETS.smtpPassword)}\n`],
      ['stacks/lists/hosts/lists1001.example.org/rootfs/etc/default/prometheus-process-exporter', `\nREST_PASSWORD=${SECRETS.restPassword.split('\n')[0]}\n`],
      ['stacks/lists/monitoring/runbooks/HostDown.md', `\n${SECRETS.sshPrivateKey}`],
    ];
    for (const [file, text] of plants) {
      const path = join(dir, file);
      const before = readFileSync(path);
      writeFileSync(path, Buffer.concat([before, Buffer.from(text)]));
      let stdout = '';
      const code = await runCli(['lint', dir, '--format', 'json'], { stdout: (t) => (stdout += t), stderr: () => undefined, cwd: work });
      writeFileSync(path, before);
      assert.equal(code, 1, `${file}: ${stdout.slice(0, 500)}`);
      assert.match(stdout, /LH015/, file);
      for (const form of forms(Object.values(SECRETS).find((s) => text.includes(s.split('\n')[0]))!)) assert.ok(!stdout.includes(form), `the report does not repeat the secret (${file})`);
    }
  });
});

describe('props that could take a secret take only references', () => {
  const stackWith = (alerting: Record<string, unknown>) => () =>
    new ListhostStack(new App({ outdir: mkdtempSync(join(tmpdir(), 'listhost-secret-props-')) }), 'lists', {
      monitoring: { runbookBaseUrl: 'https://runbooks.example.org/lists/', alerting: { tickets: { name: 't', email: 't@example.org' }, ...alerting } as never },
    });

  for (const [what, url] of [
    ['user and password', `https://alerts:${SECRETS.pagerToken}@pager.example.org/v1/alertmanager`],
    ['a query string', `https://pager.example.org/v1/alertmanager?token=${SECRETS.pagerToken}`],
    ['a fragment', `https://pager.example.org/v1/alertmanager#${SECRETS.pagerToken}`],
  ]) {
    it(`webhookUrl with ${what} is refused, and the message withholds it`, () => {
      assert.throws(stackWith({ pager: { name: 'p', webhookUrl: url } }), (e: Error) => /webhookUrl/.test(e.message) && !e.message.includes(SECRETS.pagerToken));
    });
  }

  it('a credentials file prop given a value instead of a path is refused', () => {
    assert.throws(stackWith({ pager: { name: 'p', webhookUrl: 'https://pager.example.org/v1/alertmanager', webhookCredentialsFile: SECRETS.pagerToken } }), /webhookCredentialsFile/);
    assert.throws(stackWith({ pager: { name: 'p', email: 'p@example.org' }, smtpAuthUsername: 'u', smtpAuthPasswordFile: SECRETS.smtpPassword }), /smtpAuthPasswordFile/);
  });

  it('a credentials file prop given a value does not echo it', () => {
    assert.throws(stackWith({ pager: { name: 'p', webhookUrl: 'https://pager.example.org/v1/alertmanager', webhookCredentialsFile: SECRETS.pagerToken } }), (e: Error) => /webhookCredentialsFile/.test(e.message) && !e.message.includes(SECRETS.pagerToken));
    assert.throws(stackWith({ pager: { name: 'p', webhookUrlFile: SECRETS.pagerToken } }), (e: Error) => /webhookUrlFile/.test(e.message) && !e.message.includes(SECRETS.pagerToken));
    assert.throws(stackWith({ pager: { name: 'p', email: 'p@example.org' }, smtpAuthUsername: 'u', smtpAuthPasswordFile: SECRETS.smtpPassword }), (e: Error) => /smtpAuthPasswordFile/.test(e.message) && !e.message.includes(SECRETS.smtpPassword));
  });
});
