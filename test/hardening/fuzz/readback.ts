/**
 * Reading generated values back through their real consumers: the shell
 * (dash as /bin/sh, bash for the bash plugin) runs generated scripts or
 * fragments of them and prints what it got, NUL-separated; icinga2, promtool,
 * amtool and shellcheck load whole batches. Every check compares what the
 * consumer read with the host model; each property separately checks that
 * the model holds the value exactly as given.
 */
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { HostModel } from '../../../lib/model/types';
import { queueCollectorPath } from '../../../lib/render/queue-collector';
import { selfHealPath } from '../../../lib/render/self-heal';
import { PREPARE_RESTORE_VOLUME, restoreVolume } from '../../../lib/render/restore-volume';
import { APPLY_SCRIPT } from '../../../lib/render/rootfs';
import { QUEUE_PLUGIN_PATH } from '../../../lib/render/icinga2/names';
import { run } from '../../helpers/run';
import type { IcingaObject } from '../../icinga2/icinga';
import { show } from './generators';

/** Rootfs files of one host: absolute path on the host -> content. */
export type Rootfs = ReadonlyMap<string, string>;

/** Runs `code` in `shell` (stdin) with `args`; returns stdout split on NUL, and the result. */
export function shellRead(shell: 'sh' | 'bash', code: string, env: NodeJS.ProcessEnv = {}, args: string[] = []): { values: string[]; stderr: string; status: number | null } {
  const clean: NodeJS.ProcessEnv = { PATH: process.env.PATH, LC_ALL: 'C.UTF-8', ...env };
  // fd 3 is the log of the stubs' calls (stdout, even from inside $(...)).
  const result = run(shell, ['-s', '--', ...args], { input: `exec 3>&1\n${code}`, env: clean });
  const values = result.stdout.split('\0');
  values.pop();
  return { values, stderr: result.stderr, status: result.status };
}

function between(text: string, start: string, end: string, what: string): string {
  const i = text.indexOf(start);
  assert.ok(i >= 0, `${what}: marker ${JSON.stringify(start)} not found`);
  const j = text.indexOf(end, i + start.length);
  assert.ok(j >= 0, `${what}: marker ${JSON.stringify(end)} not found`);
  return text.slice(i + start.length, j);
}

function prefix(text: string, end: string, what: string): string {
  const j = text.indexOf(end);
  assert.ok(j >= 0, `${what}: marker ${JSON.stringify(end)} not found`);
  return text.slice(0, j);
}

/** Stub functions that log every call as `CALL name argc args...` (NUL-separated) and succeed. */
const STUB = (name: string, output = '') => `${name}() { printf '%s\\0' CALL ${name} "$#" "$@" >&3; ${output} return 0; }\n`;

export interface Call { readonly name: string; readonly args: string[] }

function calls(values: string[]): Call[] {
  const out: Call[] = [];
  for (let i = 0; i < values.length; ) {
    assert.equal(values[i], 'CALL', `unexpected output ${show(values.slice(i).join('|'))}`);
    const argc = Number(values[i + 2]);
    out.push({ name: values[i + 1], args: values.slice(i + 3, i + 3 + argc) });
    i += 3 + argc;
  }
  return out;
}

/**
 * Every shell artifact of `host`, read back by executing it (or the part of
 * it that holds values) and compared with the model. Returns the restore
 * mount unit name the script uses, for the systemd-escape batch.
 */
export function checkShellArtifacts(host: HostModel, rootfs: Rootfs, scratch: string): string {
  const where = host.fqdn;
  const file = (path: string) => {
    const content = rootfs.get(path);
    assert.ok(content !== undefined, `${where}: ${path} missing`);
    return content;
  };

  // prepare-restore-volume: its assignments, as sh reads them.
  const restore = restoreVolume(host);
  const prepare = shellRead('sh', prefix(file(PREPARE_RESTORE_VOLUME), '\ncurrent=$(blkid', where) + `\nprintf '%s\\0' "$device" "$mountpoint" "$fstype" "$unit"\n`);
  assert.equal(prepare.status, 0, `${where}: prepare-restore-volume assignments: ${prepare.stderr}`);
  assert.deepEqual(prepare.values.slice(0, 3), [restore.device, restore.mountpoint, restore.fstype], `${where}: prepare-restore-volume`);
  const unit = prepare.values[3];
  assert.ok(rootfs.has(`/etc/systemd/system/${unit}`), `${where}: the script enables ${show(unit)}, which provisioning does not install`);

  // Queue collector: output path, pattern and glob, then every measure_queue call.
  const collector = file(queueCollectorPath(host));
  const head = shellRead('sh', prefix(collector, '\ntmp="$output.$$.tmp"', where) + `\nprintf '%s\\0' "$output" "$pattern" "$glob"\n`);
  assert.equal(head.status, 0, `${where}: collector assignments: ${head.stderr}`);
  assert.deepEqual(head.values, [`${host.exporters.textfileDirectory}/${host.service.metricPrefix}_queues.prom`, host.service.queueFilePattern ?? '', host.service.queueFileGlob], `${where}: collector`);
  const measured = shellRead('sh', STUB('measure_queue') + between(collector, '} > "$tmp" || exit 1\n', `\ncat >> "$tmp" <<'EXPECTED'`, where));
  assert.deepEqual(calls(measured.values).map((c) => c.args), host.service.queues.map((q) => [q.name, q.directory]), `${where}: collector queues`);

  // Self-heal, run whole: pgrep and the restart are stubs that log their arguments (every group short).
  const selfHeal = file(selfHealPath(host));
  const dir = join(scratch, createHash('sha1').update(where).digest('hex'));
  mkdirSync(dir, { recursive: true });
  const restartLine = /restarting %s\\n' "\$short_names" .*? >&2\n(?: {4}#.*\n)* {4}set -- (.*?)\n {4}"\$@" \|\| status=1\n/s.exec(selfHeal);
  assert.ok(restartLine, `${where}: restart line not found`);
  const restartWords = shellRead('sh', `set -- ${restartLine[1]}\nprintf '%s\\0' "$@"\n`);
  assert.deepEqual(restartWords.values, host.service.restartCommand, `${where}: restart command`);
  const healed = shellRead(
    'sh',
    STUB('pgrep', 'echo 0;') + STUB('restart_stub') + selfHeal.replace(`set -- ${restartLine[1]}\n`, 'set -- restart_stub\n'),
    { LISTHOST_STATE_DIR: dir, LISTHOST_SELFHEAL_TEXTFILE: join(dir, 'selfheal.prom') },
  );
  const pgreps = calls(healed.values).filter((c) => c.name === 'pgrep').map((c) => c.args);
  assert.deepEqual(pgreps, host.service.processGroups.map((g) => ['-c', '-u', g.user, '-f', '--', g.pgrepPattern]), `${where}: self-heal pgrep arguments`);

  // apply, run whole with stubs: every file installed from the stage to its path, the agent in the users' groups.
  const apply = shellRead('sh', STUB('install') + STUB('usermod') + STUB('id') + STUB('systemctl') + file(APPLY_SCRIPT), {}, ['/stage']);
  const applied = calls(apply.values);
  const installed = applied.filter((c) => c.name === 'install').map((c) => c.args.slice(-2)).sort((a, b) => (a[1] < b[1] ? -1 : 1));
  const expected = [...rootfs.keys()].filter((path) => path !== APPLY_SCRIPT).sort().map((path) => [`/stage${path}`, path]);
  assert.deepEqual(installed, expected, `${where}: apply installs`);
  const users = [...new Set(host.service.processGroups.map((g) => g.user))].filter((u) => u !== 'root').sort();
  assert.deepEqual(applied.filter((c) => c.name === 'usermod').map((c) => c.args[2]), users, `${where}: apply usermod`);

  // The bash queue plugin's defaults.
  const plugin = shellRead('bash', prefix(file(QUEUE_PLUGIN_PATH), '\nreadonly DEFAULT_MAX_DEPTH=', where) + `\nprintf '%s\\0' "$DEFAULT_PATTERN" "$DEFAULT_GLOB"\n`);
  assert.deepEqual(plugin.values, [host.service.queueFilePattern ?? '', host.service.queueFileGlob], `${where}: queue plugin defaults`);

  // process-exporter.yml, as YAML.
  const pe = parse(file('/etc/prometheus/process-exporter.yml')) as { process_names: { name: string; cmdline: string[] }[] };
  assert.deepEqual(pe.process_names, host.service.processGroups.filter((g) => g.countedBy === 'process-exporter').map((g) => ({ name: g.groupname, cmdline: [g.cmdlineRegex] })), `${where}: process-exporter.yml`);
  return unit;
}

/** shellcheck and `sh -n`/`bash -n` once over every distinct script of a batch. */
export function checkScripts(rootfsByHost: readonly Rootfs[], scratch: string): number {
  const scripts = new Map<string, string>();
  for (const rootfs of rootfsByHost) for (const content of rootfs.values()) if (content.startsWith('#!')) scripts.set(createHash('sha1').update(content).digest('hex'), content);
  const dir = join(scratch, 'scripts');
  mkdirSync(dir, { recursive: true });
  const paths = [...scripts].map(([hash, content]) => {
    const path = join(dir, hash);
    writeFileSync(path, content);
    const syntax = run(content.startsWith('#!/bin/bash') ? 'bash' : 'sh', ['-n', path]);
    assert.equal(syntax.status, 0, `${path}: ${syntax.stderr}`);
    return path;
  });
  const result = run('shellcheck', ['--format=gcc', ...paths]);
  assert.equal(result.status, 0, `shellcheck over ${paths.length} scripts:\n${result.stdout}${result.stderr}`);
  return paths.length;
}

/** The restore mount unit names the scripts use, against the real `systemd-escape --path --suffix=mount`. */
export function checkMountUnits(pairs: ReadonlyArray<readonly [mountpoint: string, unit: string]>): void {
  if (pairs.length === 0) return;
  const result = run('systemd-escape', ['--path', '--suffix=mount', '--', ...pairs.map(([m]) => m)]);
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(result.stdout.trim().split(/\s+/), pairs.map(([, u]) => u), 'mount unit names differ from systemd-escape');
}

/** `$$` in a custom variable is a literal `$` once Icinga resolves the macro. */
const unmacro = (s: unknown) => (typeof s === 'string' ? s.replace(/\$\$/g, '$') : s);
function unmacroDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unmacroDeep);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unmacroDeep(v)]));
  return unmacro(value);
}

/** The Host object icinga2 instantiated, against the model. */
export function checkIcingaHost(host: HostModel, objects: readonly IcingaObject[]): void {
  const object = objects.find((o) => o.type === 'Host' && o.name === host.fqdn);
  assert.ok(object, `${host.fqdn}: no Host object`);
  const vars = unmacroDeep(object.properties.vars) as Record<string, any>;
  const where = `${host.fqdn}: icinga2 Host vars`;
  assert.equal(object.properties.address, host.fqdn, where);
  assert.deepEqual(vars.location, { site: host.location.site, row: host.location.row, rack: host.location.rack }, where);
  assert.deepEqual(vars.platform, { os: host.platform.os, release: host.platform.release, agent: host.platform.agent }, where);
  assert.deepEqual(vars.listhost_service, { kind: host.service.kind, version: host.service.version, unit: host.service.unit, config_file: host.service.configFile }, where);
  assert.deepEqual(vars.listhost_contacts, host.contacts.map((c) => ({ name: c.name, email: c.email })), where);
  for (const v of host.volumes) assert.deepEqual([vars.listhost_volumes[v.name].mountpoint, vars.listhost_volumes[v.name].device], [v.mountpoint, v.device], where);
  for (const g of host.service.processGroups) {
    const got = vars.listhost_process_groups[g.groupname];
    assert.deepEqual([got.role, got.user, got.argument_regex], [g.role, g.user, g.pgrepPattern], where);
  }
  for (const q of host.service.queues) assert.equal(vars.listhost_queues[q.name].directory, q.directory, where);
  assert.deepEqual([vars.listhost_queue_file_pattern, vars.listhost_queue_file_glob], [host.service.queueFilePattern ?? '', host.service.queueFileGlob], where);
  if (host.webUrl !== null) assert.equal(vars.listhost_web.url, host.webUrl, where);
  if (host.database !== null) assert.equal(vars.listhost_database.host, host.database.host, where);
}

/** What a rejection must look like: construct path, prop name, the value or what is expected. */
export function assertPropError(error: unknown, construct: string, props: readonly string[], what: string): void {
  assert.ok(error instanceof Error, `${what}: threw ${String(error)}`);
  assert.equal(error.name, 'ListhostPropError', `${what}: ${error.name}: ${error.message}`);
  const m = /^(.*?): prop '([^']+)' (is required: give .+|is .+; expected .+|is .+, which .+)\.$/s.exec(error.message);
  assert.ok(m, `${what}: message not in the prop error style: ${error.message}`);
  assert.equal(m[1], construct, `${what}: construct path in ${show(error.message)}`);
  assert.ok(props.includes(m[2]), `${what}: names prop '${m[2]}', expected one of ${props.join(', ')}: ${error.message}`);
}
