'use strict';
// `npm run test:electron`: the same integration suite, run the standard way with
// @vscode/test-electron, which downloads VS Code (so it needs the internet; CI here uses
// code-server instead, see runIntegrationTests.js).
const path = require('path');
const { runTests } = require('@vscode/test-electron');

const root = path.resolve(__dirname, '..', '..');

runTests({
  extensionDevelopmentPath: root,
  extensionTestsPath: path.join(root, 'test', 'integration', 'suite', 'index.js'),
  launchArgs: [path.join(root, 'examples'), '--disable-extensions', '--disable-workspace-trust'],
  // Nothing here photographs the workbench (runIntegrationTests.js does): see screenshot() in helpers.js.
  extensionTestsEnv: { PROCLENS_SCREENSHOTS: 'off' },
}).catch((error) => {
  console.error(`VS Code could not run the tests: ${error.message || error}`);
  process.exit(1);
});
