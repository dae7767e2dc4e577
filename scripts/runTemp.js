'use strict';
// The temp folder check of `npm test` (scripts/test.js): a run leaves nothing in the OS temp
// folder (os.tmpdir()).
//
// Why not a listing of os.tmpdir() itself before and after the phases: on a busy machine other
// programs create and remove entries there all the time, and other runs of these very tests
// (another checkout, a second terminal) create entries with the very names ours use
// (proclens-*, pymp-*); a listing cannot tell whose an entry is and would blame this run for
// theirs. So the run makes one folder of its own there, named proclens-run-*, and hands it to
// every phase as its TMPDIR (TMP and TEMP on Windows): os.tmpdir() in the tests and scripts,
// Python's tempfile (multiprocessing's pymp-* folders), code-server and Chromium all write
// into it. Whatever is in it at the end, this run left; the folder is then removed, so even a
// failing run leaves nothing behind.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/** Makes the run's temp folder; returns it and the environment that points every phase there. */
function makeRunTemp() {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'proclens-run-'));
  return { folder, env: { TMPDIR: folder, TMP: folder, TEMP: folder } };
}

/**
 * What the run left in its temp folder (empty when nothing), each entry with the first names
 * inside it, which tell which test left it; the folder is then removed.
 * @returns {Array<{ name: string, holds: string[] }>}
 */
function takeLeftovers(folder) {
  const left = fs.readdirSync(folder).sort().map((name) => {
    let holds = [];
    try {
      holds = fs.readdirSync(path.join(folder, name)).sort();
    } catch {
      // A file, or gone meanwhile: its name says enough.
    }
    return { name, holds };
  });
  fs.rmSync(folder, { recursive: true, force: true, maxRetries: 3 });
  return left;
}

module.exports = { makeRunTemp, takeLeftovers };
