/**
 * Preloaded into every measured child (`node --require bench/rss-probe.cjs ...`):
 * when the process exits, appends its peak resident set size in KiB
 * (`process.resourceUsage().maxRSS`, which counts native memory such as
 * libjsonnet's too) to the file named by BENCH_RSS_FILE. The same probe for
 * all sides, including the lint CLI, which the benchmark does not own.
 * Plain CommonJS so that it loads the same way under node and under tsx.
 */
'use strict';
const { appendFileSync } = require('node:fs');

const file = process.env.BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    appendFileSync(file, `${process.resourceUsage().maxRSS}\n`);
  });
}
