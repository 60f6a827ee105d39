/** LH015 NoPlaintextSecrets: the scanner, and the rule over every written file. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { findSecrets } from '../../lib/policy/artifacts/secrets';
import { lint } from '../../lib/policy/engine';
import { buildArtifacts, exampleModels, lintFiles, runFor } from './helpers';

const PEM = ['-----BEGIN OPENSSH PRIVATE KEY-----', 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW', '-----END OPENSSH PRIVATE KEY-----'].join('\n');

const SECRET_LINES: readonly [string, string][] = [
  ['a PEM block', PEM],
  ['an RSA PEM block in a JSON string', '"private_key": "-----BEGIN RSA PRIVATE KEY-----\\nMIIEpAIBAAKCAQEA\\n-----END RSA PRIVATE KEY-----"'],
  ['YAML password', 'smtp_auth_password: hunter2hunter2'],
  ['quoted YAML token', "token: 'abcd1234efgh'"],
  ['JSON api key', '  "api_key": "0123456789abcdef",'],
  ['shell assignment', 'API_TOKEN=abc123def456'],
  ['systemd environment', 'Environment=DB_PASSWORD=s3cr3t-pass'],
  ['Icinga var', '  vars.mysql_password = "pa55word!"'],
  ['command-line flag', 'ExecStart=/usr/bin/tool --password=letmein99'],
  ['credentials in a URL', 'url: https://alert:Sup3rSecret@hooks.example.org/x'],
  ['a bearer token', 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9abcdef'],
  ['an AWS key', 'aws = AKIAIOSFODNN7EXAMPLE'],
  ['a GitHub token', 'x: ghp_0123456789abcdefghijABCDEFGHIJ0123456789'],
  ['a Slack webhook', 'url: https://hooks.slack.com/services/T0000000/B0000000/XXXXXXXXXXXXXXXXXXXXXXXX'],
  ['credentials field', 'credentials: "c2VjcmV0LXZhbHVl"'],
];

const CLEAN_LINES: readonly [string, string][] = [
  ['a Terraform reference', '"private_key": "${var.ssh_private_key}",'],
  ['a sensitive variable block', '"ssh_private_key": {'],
  ['a file reference', 'smtp_auth_password_file: /etc/alertmanager/secrets/smtp'],
  ['a camelCase file reference', 'webhookCredentialsFile: /etc/alertmanager/token'],
  ['a credentials file', '      credentials_file: /etc/alertmanager/secrets/pager-token'],
  ['a shell reference', 'token=$(cat /etc/token)'],
  ['an env reference', 'password: $DB_PASSWORD'],
  ['a template', 'password: "{{ .Values.password }}"'],
  ['an Icinga macro', 'vars.notification_author = "$notification.author$"'],
  ['a placeholder', 'token: <your token here>'],
  ['prose', 'Put the token: in the file named by webhookCredentialsFile, never in the repo.'],
  ['a description', '"description": "Private key of that user; pass it as TF_VAR_ssh_private_key, never in a file in the repo",'],
  ['a URL without password', 'url: https://hooks.example.org/alertmanager'],
  ['a number', 'token_ttl: 3600'],
  ['a masked value', 'password: "********"'],
  ['null', 'password: null'],
];

describe('findSecrets', () => {
  for (const [what, text] of SECRET_LINES) {
    it(`finds ${what}`, () => {
      const hits = findSecrets(`# header\n${text}\n`);
      assert.equal(hits.length, 1, JSON.stringify(hits));
      assert.equal(hits[0].line, 2);
      assert.ok(!hits[0].what.includes('hunter2') && !hits[0].what.includes('s3cr3t'), 'never repeats the secret');
    });
  }
  for (const [what, text] of CLEAN_LINES) {
    it(`ignores ${what}`, () => assert.deepEqual(findSecrets(`${text}\n`), []));
  }

  it('gives each hit its own line, once per line, on the first and the last line and among lines that only look like secrets', () => {
    const lines = [
      'password: hunter2hunter2', // 1: a hit on the first line
      'password_file: /etc/listhost/pass', // 2: looks like one, is a reference
      '',
      'api_key = "abcdefghijkl" # and a token: x', // 4: two candidates, one hit
      'nothing here',
      'an escaped \\n is not a line end',
      'secret = "s3cr3ts3cr3t"', // 7: the last line, no newline after it
    ];
    assert.deepEqual(
      findSecrets(lines.join('\n')).map((hit) => hit.line),
      [1, 4, 7],
    );
    assert.deepEqual(findSecrets(`${lines.join('\r\n')}\r\n`).map((hit) => hit.line), [1, 4, 7], 'CRLF line ends');
  });
});

describe('LH015 NoPlaintextSecrets', () => {
  it('passes for everything the library writes for the example', async () => {
    const report = lintFiles(await buildArtifacts(), exampleModels());
    for (const target of ['lists1001.example.org', 'lists2001.example.org', 'stack:lists']) assert.equal(runFor(report, 'LH015', target).status, 'pass');
  });

  it('fails for a private key in a host file and a password in alertmanager.yml, each at its file and line', async () => {
    const files = await buildArtifacts();
    const unit = 'hosts/lists2001.example.org/rootfs/etc/default/prometheus-process-exporter';
    files.set(unit, `${files.get(unit)}${PEM}\n`);
    const am = 'monitoring/alertmanager/alertmanager.yml';
    files.set(am, files.get(am)!.replace('global:\n', 'global:\n  smtp_auth_password: hunter2hunter2\n'));
    const report = lintFiles(files, exampleModels());
    const host = runFor(report, 'LH015', 'lists2001.example.org').findings;
    assert.equal(host.length, 1);
    assert.equal(host[0].location.file, `stacks/lists/${unit}`);
    assert.equal(host[0].location.line, files.get(unit)!.split('\n').findIndex((l) => l.startsWith('-----BEGIN')) + 1);
    assert.match(host[0].message, /holds a private key block in plain text/);
    const stack = runFor(report, 'LH015', 'stack:lists').findings;
    assert.equal(stack.length, 1);
    assert.match(stack[0].message, /alertmanager\.yml line \d+ holds a literal value for "smtp_auth_password"/);
    assert.equal(runFor(report, 'LH015', 'lists1001.example.org').status, 'pass');
    assert.equal(report.exitCode, 1);
  });

  it('scans a host spec file itself', () => {
    const models = exampleModels();
    const text = `# spec\nhosts: []\napi_token: "0123456789abcdef"\n`;
    const report = lint({ hosts: models.map((model, i) => ({ model, stack: null, source: { file: 'hosts.yaml', pointer: `/hosts/${i}` } })), stacks: [], sources: [{ file: 'hosts.yaml', text }], mode: 'spec' });
    const run = runFor(report, 'LH015', 'hosts.yaml');
    assert.equal(run.status, 'fail');
    assert.equal(run.findings[0].location.line, 3);
  });
});
