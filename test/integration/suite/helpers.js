'use strict';
// Helpers shared by the integration suites (not a test file: it does not end in .test.js).

const fs = require('fs');

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

module.exports = { until, alive };
