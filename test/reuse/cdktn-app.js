'use strict';
/**
 * A user's app, in plain CommonJS, in a project whose package.json aliases
 * `cdktf` to the cdktn fork; copied there by cdktn-fork.test.ts. It declares
 * the example of examples/wikimedia-lists/main.ts, synthesizes it into the
 * directory given as its argument, then prints on stdout, as one JSON line,
 * which cdktf module each party loaded.
 */
const { createRequire } = require('node:module');
const path = require('node:path');
const cdktf = require('cdktf');
const { ListhostStack, MailingListHost, synthesize } = require('cdktf-listhost');
const { resource: nullResource } = require('@cdktf/provider-null');

const app = new cdktf.App({ outdir: process.argv[2] });
const stack = new ListhostStack(app, 'lists', {
  monitoring: {
    runbookBaseUrl: 'https://runbooks.example.org/lists/',
    alerting: {
      pager: { name: 'oncall-pager', webhookUrl: 'https://pager.example.org/v1/alertmanager', webhookCredentialsFile: '/etc/alertmanager/secrets/pager-token' },
      tickets: { name: 'sre-tickets', email: 'sre-tickets@example.org' },
      listAdmins: { name: 'list-admins', email: 'listadmins@example.org' },
    },
  },
});

const hosts = [
  { fqdn: 'lists1001.example.org', site: 'dc1', row: 'A', db: 'db1001.example.org' },
  { fqdn: 'lists2001.example.org', site: 'dc2', row: 'B', db: 'db2001.example.org' },
];

for (const host of hosts) {
  new MailingListHost(stack, host.fqdn.split('.')[0], {
    fqdn: host.fqdn,
    location: { site: host.site, row: host.row },
    platform: { os: 'debian', release: '12', agent: { name: 'puppet', version: '7' } },
    contacts: [{ name: 'list admins', email: 'listadmins@example.org' }],
    mailmanVersion: '3.3.8',
    restWorkers: 2,
    rootVolume: { mountpoint: '/', device: '/dev/vda1', size: '20GiB' },
    dataVolume: { mountpoint: '/srv/mailman3', device: '/dev/vdb1', size: '100GiB' },
    backup: {
      paths: ['/srv/mailman3', '/etc/mailman3'],
      expectedFiles: 1_000_000,
      restoreVolume: { mountpoint: '/srv/restore', device: '/dev/vdc', size: '100GiB' },
    },
    database: { host: host.db, port: 3306 },
    webUrl: `https://${host.fqdn}/postorius/lists/`,
  });
}

// The test runs this with LISTHOST_POLICY_THREAD=on: record whether the
// compiled worker (dist/, no tsx) answered each stack.
const { PolicyThread } = require('cdktf-listhost/dist/lib/synth/policy-thread.js');
const policyThreadAnswers = [];
const answers = PolicyThread.prototype.answers;
PolicyThread.prototype.answers = function () {
  const result = answers.call(this);
  for (const verdict of result.values()) policyThreadAnswers.push(verdict !== undefined);
  return result;
};

synthesize(app).then(
  () => {
    // The library's one cdktf module (lib/cdktf.ts), as installed from the tarball.
    const facadePath = require.resolve('cdktf-listhost/dist/lib/cdktf.js');
    const facade = require(facadePath);
    const fromLibrary = createRequire(facadePath);
    const fromProvider = createRequire(fromLibrary.resolve('@cdktf/provider-null'));
    const resources = stack.node.findAll().filter((c) => c instanceof nullResource.Resource);
    const cdktfRoot = path.dirname(require.resolve('cdktf/package.json'));
    const report = {
      projectCdktf: require.resolve('cdktf'),
      projectCdktfPackage: { name: require('cdktf/package.json').name, version: require('cdktf/package.json').version },
      libraryCdktf: fromLibrary.resolve('cdktf'),
      libraryDeepImport: fromLibrary.resolve('cdktf/lib/synthesize/synthesizer'),
      providerCdktf: fromProvider.resolve('cdktf'),
      facadeExportsAreTheProjects:
        facade.App === cdktf.App &&
        facade.TerraformStack === cdktf.TerraformStack &&
        facade.TerraformVariable === cdktf.TerraformVariable &&
        cdktf.AnnotationMetadataEntryType !== undefined &&
        facade.AnnotationMetadataEntryType === cdktf.AnnotationMetadataEntryType,
      addCustomSynthesisIsTheProjects: facade.addCustomSynthesis === require('cdktf/lib/synthesize/synthesizer').addCustomSynthesis,
      stackIsATerraformStack: cdktf.TerraformStack.isStack(stack) && stack instanceof cdktf.TerraformStack,
      nullResources: resources.length,
      policyThreadAnswers,
      nullResourcesAreTerraformResources: resources.length > 0 && resources.every((r) => r instanceof cdktf.TerraformResource),
      // every module file of a cdktf (or cdktn) package that got loaded, wherever it lies
      loadedCdktfModulesOutsideTheAlias: Object.keys(require.cache).filter(
        (file) => /[\\/]node_modules[\\/](cdktf|cdktn)[\\/]/.test(file) && !file.startsWith(cdktfRoot + path.sep),
      ),
    };
    process.stdout.write(`${JSON.stringify(report)}\n`);
  },
  (error) => {
    console.error(error instanceof Error ? error.stack : error);
    process.exit(1);
  },
);
