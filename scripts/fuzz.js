'use strict';
// `npm run fuzz`: the process model's property test (test/unit/modelProperties.test.ts) with
// many more cases and a fresh seed each time, for a nightly run. It prints the seed first, and on
// failure the seed and path that replay the smallest failing case, with its story.
//
//   node scripts/fuzz.js [cases] [seed] [path]      (after `tsc -p .`)

const fc = require('fast-check');
const { runCase } = require('../out/test/unit/modelProperties/replay');

const runs = Number(process.argv[2] ?? 100000);
const seed = process.argv[3] !== undefined ? Number(process.argv[3]) : Math.floor(Math.random() * 0x7fffffff);
const path = process.argv[4];

async function main() {
  console.log(`model fuzz: ${runs} cases, seed ${seed}${path ? `, path ${path}` : ''}`);
  const started = Date.now();
  const property = fc.asyncProperty(fc.array(fc.nat(0xffff), { maxLength: 1200, size: 'max' }), async (values) => {
    const outcome = await runCase(values);
    if (outcome.violations.length) {
      throw new Error(`${outcome.violations.join('\n')}\n${outcome.story()}`);
    }
  });
  const details = await fc.check(property, { seed, numRuns: runs, path, endOnFailure: process.env.FUZZ_NO_SHRINK === '1' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (!details.failed) {
    console.log(`model fuzz: ${details.numRuns} cases passed in ${seconds} s (seed ${seed})`);
    return;
  }
  console.log(fc.defaultReportMessage(details));
  console.log(`model fuzz: FAILED after ${details.numRuns} cases in ${seconds} s; replay: node scripts/fuzz.js ${runs} ${seed} ${details.counterexamplePath}`);
  process.exitCode = 1;
}

main();
