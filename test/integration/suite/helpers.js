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
  // Under @vscode/test-electron (npm run test:electron) nobody would take it.
  if (process.env.PROCLENS_SCREENSHOTS === 'off') return;
  const file = path.join(__dirname, '..', '..', '..', 'test-results', `${name}.png`);
  fs.rmSync(file, { force: true });
  // Let the workbench draw what the test just changed.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  console.log(`PROCLENS_SCREENSHOT ${name}`);
  await until(`the screenshot ${name}.png`, () => fs.existsSync(file), 20000);
}

/**
 * Asks the harness what the notification toasts say, each as { message, buttons }: waits for a
 * toast holding `waitFor` first, then clicks its button labelled `click` (as a person would),
 * when given. The answer is { toasts, clicked, error? }.
 */
async function notifications(name, { waitFor, click } = {}) {
  const file = path.join(__dirname, '..', '..', '..', 'test-results', `${name}.json`);
  fs.rmSync(file, { force: true });
  console.log(`PROCLENS_NOTIFICATIONS ${JSON.stringify({ name, waitFor, click })}`);
  await until(`the notifications ${name}.json`, () => fs.existsSync(file), 30000);
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/**
 * Stops each run still live, waits for it to finish with nothing of it left alive, then
 * clears it (its terminal goes with it): what a test started is gone before the next.
 */
async function endRuns(model, runIds) {
  const assert = require('assert');
  const vscode = require('vscode');
  for (const runId of runIds) {
    if (model.run(runId).state === 'live') {
      await vscode.commands.executeCommand('proclens.stopRun', model.run(runId));
    }
    await until(`run ${runId} to finish`, () => model.run(runId).state === 'finished', 15000);
    assert.deepStrictEqual(model.processesOf(runId).map((p) => p.pid).filter(alive), [], 'nothing of the run is left');
    await vscode.commands.executeCommand('proclens.clearExited', model.run(runId));
  }
}

module.exports = { until, alive, screenshot, notifications, endRuns };
