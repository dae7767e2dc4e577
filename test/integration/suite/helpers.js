'use strict';
// Helpers shared by the integration suites (not a test file: it does not end in .test.js).

const fs = require('fs');
const path = require('path');

/** Polls `probe` every 50 ms until it returns something truthy; fails naming `what` after the limit. */
async function until(what, probe, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Whether a pid is a live process (a zombie has already ended). */
const alive = (pid) => {
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1][0] !== 'Z';
  } catch {
    return false;
  }
};

/**
 * Asks the harness (runIntegrationTests.js) for a picture of the workbench as it is now, saved
 * as test-results/<name>.png, and waits until it is written.
 */
async function screenshot(name) {
  const file = path.join(__dirname, '..', '..', '..', 'test-results', `${name}.png`);
  fs.rmSync(file, { force: true });
  // Let the workbench draw what the test just changed.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  console.log(`PROCLENS_SCREENSHOT ${name}`);
  await until(`the screenshot ${name}.png`, () => fs.existsSync(file), 20000);
}

module.exports = { until, alive, screenshot };
