/**
 * cdktf was archived in December 2025; its community fork cdktn keeps the
 * API. This proves the library works, as users install it, when an app
 * aliases `cdktf` to cdktn: lib/ is compiled fresh (test/reuse/tsconfig.lib.json,
 * the repo's compiler options) into a staging copy of the package, which
 * `npm pack` packs under the repo's own `files`; a temp project installs the
 * tarball with `"cdktf": "npm:cdktn@…"` (no --force, no --legacy-peer-deps)
 * and runs a plain CommonJS app (test/reuse/cdktn-app.js) that synthesizes
 * the example.
 *
 * Needs the npm registry (cdktn and the library's dependencies) and builds
 * @hanazuki/node-jsonnet from source, like any install: about two minutes
 * on two cores.
 */
import { strict as assert } from 'node:assert';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { run, type RunResult } from '../helpers/run';
import { REPO } from '../helpers/synth';

/** The fork and the version this test pins; users pin the same way. */
const CDKTN = 'cdktn@0.24.0';
const CDKTN_VERSION = '0.24.0';
const HOSTS = ['lists1001.example.org', 'lists2001.example.org'];

interface AppReport {
  projectCdktf: string;
  projectCdktfPackage: { name: string; version: string };
  libraryCdktf: string;
  libraryDeepImport: string;
  providerCdktf: string;
  facadeExportsAreTheProjects: boolean;
  addCustomSynthesisIsTheProjects: boolean;
  stackIsATerraformStack: boolean;
  nullResources: number;
  policyThreadAnswers: boolean[];
  nullResourcesAreTerraformResources: boolean;
  loadedCdktfModulesOutsideTheAlias: string[];
}

/** The consuming project's package.json (README: "Using the cdktn fork"). */
function consumerPackageJson(tarball: string): object {
  return {
    name: 'cdktn-consumer',
    version: '0.0.0',
    private: true,
    dependencies: {
      cdktf: `npm:${CDKTN}`,
      'cdktf-listhost': `file:${tarball}`,
      constructs: '~10.7.0',
    },
    // the peer dependencies on cdktf (ours and @cdktf/provider-null's, both
    // ^0.21.0) resolve to the alias instead of failing with ERESOLVE
    overrides: { cdktf: '$cdktf' },
    allowScripts: { '@hanazuki/node-jsonnet': true },
  };
}

/**
 * The environment without what an enclosing `npm test` exports (npm_config_*,
 * npm_package_*, …), so the nested npm sees only the user's configuration
 * and its own project, never the repo's.
 */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key) && key !== 'INIT_CWD') env[key] = value;
  }
  return { ...env, CHECKPOINT_DISABLE: '1', CI: '1' };
}

function npm(args: string[], cwd: string): RunResult {
  return run('npm', args, { cwd, env: cleanEnv() });
}

function show(r: RunResult): string {
  return `exit ${r.status}\n${r.stdout}\n${r.stderr}`;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

describe(`the packed library, with cdktf aliased to ${CDKTN}`, () => {
  const scratch = mkdtempSync(join(tmpdir(), 'listhost-cdktn-'));
  const stage = join(scratch, 'package');
  const project = join(scratch, 'project');
  const out = join(scratch, 'cdktf.out');
  let packed: string[] = [];
  let app: RunResult;

  before(() => {
    // the package as `npm run build` leaves it, with a fresh dist/lib
    const tsc = run(join(REPO, 'node_modules/.bin/tsc'), ['-p', join(REPO, 'test/reuse/tsconfig.lib.json'), '--outDir', join(stage, 'dist')], { cwd: REPO });
    assert.equal(tsc.status, 0, `tsc:\n${show(tsc)}`);
    cpSync(join(REPO, 'package.json'), join(stage, 'package.json'));
    cpSync(join(REPO, 'README.md'), join(stage, 'README.md'));
    cpSync(join(REPO, 'lib'), join(stage, 'lib'), { recursive: true });

    const pack = npm(['pack', '--json', '--pack-destination', scratch], stage);
    assert.equal(pack.status, 0, `npm pack:\n${show(pack)}`);
    const [info] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
    packed = info.files.map((f) => f.path);

    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), `${JSON.stringify(consumerPackageJson(join(scratch, info.filename)), null, 2)}\n`);
    const install = npm(['install', '--prefer-offline', '--no-audit', '--no-fund'], project);
    assert.equal(install.status, 0, `npm install:\n${show(install)}`);

    cpSync(join(REPO, 'test/reuse/cdktn-app.js'), join(project, 'main.js'));
    app = run(process.execPath, ['main.js', out], { cwd: project, env: { ...cleanEnv(), LISTHOST_POLICY_THREAD: 'on' } });
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it('packs the compiled library (JavaScript, declarations and the JSON it requires), the mixin and the schema', () => {
    const emitted = walk(join(stage, 'dist/lib')).map((f) => relative(stage, f).split(sep).join('/'));
    const missing = emitted.filter((f) => !packed.includes(f));
    assert.deepEqual(missing, [], `tsc emitted these under dist/lib, and package.json "files" leaves them out of the tarball: ${missing.join(', ')}`);
    for (const f of ['dist/lib/index.js', 'dist/lib/cdktf.js', 'dist/lib/cli/main.js', 'lib/mixin/mixin.libsonnet', 'lib/mixin/render.jsonnet', 'lib/schema/host.schema.json']) {
      assert.ok(packed.includes(f), `${f} is not in the tarball`);
    }
    assert.deepEqual(packed.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')), [], 'TypeScript sources in the tarball');
  });

  it('installs without --force: npm ls finds no invalid or missing peer', () => {
    const ls = npm(['ls', '--all', '--json'], project);
    assert.equal(ls.status, 0, `npm ls:\n${show(ls)}`);
    const tree = JSON.parse(ls.stdout) as { dependencies: Record<string, { version: string }> };
    assert.equal(tree.dependencies.cdktf.version, CDKTN_VERSION);
  });

  it('resolves cdktf to cdktn, one copy, for the app, the library and @cdktf/provider-null', () => {
    assert.equal(app.status, 0, `the app:\n${show(app)}`);
    const report = JSON.parse(app.stdout.trim().split('\n').pop()!) as AppReport;
    const alias = join(project, 'node_modules', 'cdktf') + sep;
    assert.ok(report.projectCdktf.startsWith(alias), `require.resolve('cdktf') is ${report.projectCdktf}`);
    assert.deepEqual(report.projectCdktfPackage, { name: 'cdktn', version: CDKTN_VERSION });
    assert.equal(report.libraryCdktf, report.projectCdktf, "the library's lib/cdktf.ts loads another cdktf");
    assert.ok(report.libraryDeepImport.startsWith(alias), `cdktf/lib/synthesize/synthesizer is ${report.libraryDeepImport}`);
    assert.equal(report.providerCdktf, report.projectCdktf, '@cdktf/provider-null loads another cdktf');
    assert.ok(report.facadeExportsAreTheProjects, "dist/lib/cdktf.js exports differ from the app's require('cdktf')");
    assert.ok(report.addCustomSynthesisIsTheProjects, 'addCustomSynthesis is not the alias');
    assert.ok(report.stackIsATerraformStack, 'a ListhostStack is not a TerraformStack of the alias');
    assert.equal(report.nullResources, HOSTS.length);
    assert.deepEqual(report.policyThreadAnswers, [true], "the installed library's compiled policy worker answered the stack");
    assert.ok(report.nullResourcesAreTerraformResources, 'null_resource constructs are not TerraformResources of the alias');
    assert.deepEqual(report.loadedCdktfModulesOutsideTheAlias, []);
  });

  it('synthesizes the files of CONTRACT.md section 2 with cdktn', () => {
    assert.equal(app.status, 0, `the app:\n${show(app)}`);
    const dir = join(out, 'stacks', 'lists');
    const tf = JSON.parse(readFileSync(join(dir, 'cdk.tf.json'), 'utf8'));
    assert.equal(tf['//'].metadata.version, CDKTN_VERSION, 'cdk.tf.json was not written by cdktn');
    assert.equal(Object.keys(tf.resource.null_resource).length, HOSTS.length);
    assert.match(readFileSync(join(dir, 'monitoring/prometheus/rules.yml'), 'utf8'), /^groups:$/m);
    for (const f of ['monitoring/prometheus/scrape.yml', 'monitoring/alertmanager/alertmanager.yml', 'monitoring/mixin/mixin.libsonnet']) {
      assert.ok(existsSync(join(dir, f)), `${f} is missing`);
    }
    for (const fqdn of HOSTS) {
      assert.equal(JSON.parse(readFileSync(join(dir, 'hosts', fqdn, 'host.json'), 'utf8')).fqdn, fqdn);
    }
  });

  it('lints the output clean with the packed listhost bin', () => {
    assert.equal(app.status, 0, `the app:\n${show(app)}`);
    const lint = run(join(project, 'node_modules/.bin/listhost'), ['lint', out, '--strict'], { cwd: project, env: cleanEnv() });
    assert.equal(lint.status, 0, `listhost lint:\n${show(lint)}`);
  });
});
