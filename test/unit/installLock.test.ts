import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test, TestContext } from 'node:test';

// The lock is plain JavaScript (scripts/vscode/installLock.js), run by node without compiling.
const MODULE = path.resolve(__dirname, '..', '..', '..', 'scripts', 'vscode', 'installLock.js');
const { withLock } = require(MODULE) as {
  withLock: <T>(lockPath: string, fn: () => Promise<T>, options?: { what?: string; timeoutMs?: number; pollMs?: number; log?: (msg: string) => void }) => Promise<T>;
};

/** A scratch folder removed when the test ends. */
function scratch(t: TestContext): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'proclens-lock-'));
  t.after(() => fs.rmSync(folder, { recursive: true, force: true }));
  return folder;
}

/**
 * One `npm test` in a process of its own: installOnce with an install that takes 300 ms and
 * notes when it ran in the journal. Prints what it logged, then its outcome.
 */
const TAKER = `
const fs = require('node:fs');
const { installOnce } = require(process.argv[1]);
const [lockPath, installed, journal] = process.argv.slice(2);
const note = (what) => fs.appendFileSync(journal, JSON.stringify({ pid: process.pid, what, at: Date.now() }) + '\\n');
installOnce({
  lockPath, what: 'the thing', pollMs: 20, timeoutMs: 20000,
  isInstalled: () => fs.existsSync(installed),
  install: async () => {
    note('start');
    await new Promise((resolve) => setTimeout(resolve, 300));
    fs.writeFileSync(installed, '');
    note('end');
  },
}).then((outcome) => console.log('outcome ' + outcome));
`;

function taker(folder: string): Promise<{ pid: number; stdout: string; code: number | null }> {
  const child = spawn(process.execPath, ['-e', TAKER, MODULE, path.join(folder, 'thing.lock'), path.join(folder, 'installed'), path.join(folder, 'journal')]);
  let stdout = '';
  child.stdout.on('data', (data) => (stdout += data));
  child.stderr.on('data', (data) => (stdout += data));
  return new Promise((resolve) => child.on('close', (code) => resolve({ pid: child.pid!, stdout, code })));
}

const journal = (folder: string): Array<{ pid: number; what: string; at: number }> =>
  fs.readFileSync(path.join(folder, 'journal'), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));

test('two runs at once: one installs, the other waits for it, says whose install it waits for, then finds it done', async (t) => {
  const folder = scratch(t);
  const [a, b] = await Promise.all([taker(folder), taker(folder)]);
  assert.deepEqual([a.code, b.code], [0, 0], a.stdout + b.stdout);
  const [installer, waiter] = /outcome installed\n/.test(a.stdout) ? [a, b] : [b, a];
  assert.match(installer.stdout, /outcome installed\n$/);
  assert.match(waiter.stdout, /outcome installed-by-another\n$/, waiter.stdout);
  assert.match(waiter.stdout, new RegExp(`waiting for another install of the thing \\(pid ${installer.pid}\\) to finish`));
  assert.deepEqual(journal(folder).map((e) => [e.pid, e.what]), [[installer.pid, 'start'], [installer.pid, 'end']], 'installed once');
  assert.deepEqual(fs.readdirSync(folder).sort(), ['installed', 'journal'], 'the lock is released, nothing of it left');
});

test('a lock whose owner has ended is taken over; two waiting for it still take turns', async (t) => {
  const folder = scratch(t);
  const dead = spawnSync(process.execPath, ['-e', '']).pid;
  fs.writeFileSync(path.join(folder, 'thing.lock'), JSON.stringify({ pid: dead }));
  const [a, b] = await Promise.all([taker(folder), taker(folder)]);
  assert.deepEqual([a.code, b.code], [0, 0], a.stdout + b.stdout);
  assert.match(a.stdout + b.stdout, new RegExp(`removed the lock of an install that did not finish \\(pid ${dead} has ended\\)`));
  const outcomes = [a, b].map((r) => /outcome (.*)\n$/.exec(r.stdout)?.[1]).sort();
  assert.deepEqual(outcomes, ['installed', 'installed-by-another']);
  assert.equal(journal(folder).length, 2, 'one install, start and end');
  assert.deepEqual(fs.readdirSync(folder).sort(), ['installed', 'journal']);
});

test('a lock held by a live process: the wait ends at the time limit, naming the pid and the lock', async (t) => {
  const lockPath = path.join(scratch(t), 'thing.lock');
  // This test's own process stands in for a live installer.
  fs.writeFileSync(lockPath, JSON.stringify({ pid: process.pid }));
  const logs: string[] = [];
  const ran = await withLock(lockPath, async () => true, { what: 'the thing', timeoutMs: 200, pollMs: 20, log: (m) => logs.push(m) }).catch((error: Error) => error);
  assert.ok(ran instanceof Error);
  assert.match(ran.message, new RegExp(`another install of the thing \\(pid ${process.pid}\\); if none is running, remove ${lockPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  assert.deepEqual(logs, [`waiting for another install of the thing (pid ${process.pid}) to finish`], 'said once, not at every look');
  assert.equal(fs.readFileSync(lockPath, 'utf8'), JSON.stringify({ pid: process.pid }), "the owner's lock is left alone");
});

test('the lock is released when the install fails', async (t) => {
  const lockPath = path.join(scratch(t), 'thing.lock');
  await assert.rejects(
    withLock(lockPath, async () => {
      assert.ok(fs.existsSync(lockPath), 'held while it runs');
      throw new Error('npm failed');
    }),
    /npm failed/,
  );
  assert.deepEqual(fs.readdirSync(path.dirname(lockPath)), []);
});
