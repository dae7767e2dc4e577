'use strict';
// Runs inside the VS Code extension host (loaded through `extensionTestsPath`). The host calls
// run(); a rejection makes the workbench report exit code 1 to the harness.

const fs = require('fs');
const path = require('path');
const Mocha = require('mocha');

function findTests(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return findTests(full);
    return entry.name.endsWith('.test.js') ? [full] : [];
  }).sort();
}

exports.run = async function run() {
  // No colours: the output travels through the workbench log to a non-terminal.
  // PROCLENS_TEST_GREP narrows a run to the tests whose titles match (while working on them).
  const grep = process.env.PROCLENS_TEST_GREP;
  const mocha = new Mocha({ ui: 'bdd', timeout: 60000, reporter: 'spec', color: false, ...(grep ? { grep } : {}) });
  // With a display language (runIntegrationTests.js --locale zh-cn) only that language's
  // files run (`*.zh-cn.test.js`); otherwise every file but those.
  const locale = process.env.PROCLENS_TEST_LOCALE;
  const localized = /\.[a-z]{2}(-[a-z]{2})?\.test\.js$/;
  const files = findTests(__dirname).filter((file) => (locale ? file.endsWith(`.${locale}.test.js`) : !localized.test(file)));
  files.forEach((file) => mocha.addFile(file));

  // mocha.run() loads the files with require(), the loader the host patches to provide `vscode`.
  const { passed, failed } = await new Promise((resolve) => {
    const runner = mocha.run(() => resolve({ passed: runner.stats.passes, failed: runner.stats.failures }));
  });
  // The harness (scripts/vscode/runIntegrationTests.js) reads this line for its summary.
  console.log(`PROCLENS_RESULT ${JSON.stringify({ passed, failed })}`);
  if (files.length === 0 || passed + failed === 0) throw new Error(`no tests found under ${__dirname}`);
  if (failed > 0) throw new Error(`${failed} integration test(s) failed`);
};
