'use strict';
// An exclusive lock between processes, for a first-time install into the project's cache: two
// terminals running `npm test` at once on a fresh clone must not install code-server into the
// same folder at the same time. The lock is a file holding its owner's pid; the one that
// finds it taken waits, and takes it over once that pid has ended (an install killed half-way).

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The lock file's text, or undefined when there is none. */
function readLock(lockPath) {
  try {
    return fs.readFileSync(lockPath, 'utf8');
  } catch (error) {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  }
}

function ownerOf(text) {
  try {
    return Number(JSON.parse(text).pid) || undefined;
  } catch {
    return undefined; // not a lock of ours: nobody to wait for
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM'; // another user's process
  }
}

/**
 * Creates the lock holding `text`, or returns false if it exists. Written beside it first, then
 * hard-linked into place: link is atomic and fails when the name exists, so of two takers
 * exactly one wins, and no one ever reads a lock whose pid is not written yet.
 */
function tryTake(lockPath, text) {
  const draft = `${lockPath}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
  fs.writeFileSync(draft, text);
  try {
    fs.linkSync(draft, lockPath);
    return true;
  } catch (error) {
    if (error.code === 'EEXIST') return false;
    throw error;
  } finally {
    fs.rmSync(draft, { force: true });
  }
}

/**
 * Removes the lock if it still holds `text`, whose owner has ended; true if it is gone. Waiters
 * that saw the same stale lock race here: only the one that creates the marker named after that
 * lock's text may remove it, so none can remove a newer lock taken meanwhile by someone else.
 */
function removeStale(lockPath, text) {
  const marker = `${lockPath}.${crypto.createHash('sha256').update(text).digest('hex').slice(0, 16)}.takeover`;
  try {
    fs.mkdirSync(marker);
  } catch (error) {
    if (error.code !== 'EEXIST') throw error;
    // Another waiter is at it; a marker this old is from one that died in these few lines.
    const made = fs.statSync(marker, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
    if (Date.now() - made > 30_000) fs.rmSync(marker, { recursive: true, force: true });
    return false;
  }
  try {
    if (readLock(lockPath) === text) fs.rmSync(lockPath, { force: true });
    return true;
  } finally {
    fs.rmSync(marker, { recursive: true, force: true });
  }
}

/**
 * Runs `fn` holding the lock at `lockPath`, waiting up to `timeoutMs` for another process
 * that holds it; always releases it, also when `fn` throws or the process exits.
 * @template T
 * @param {string} lockPath
 * @param {() => Promise<T>} fn
 * @param {{ what?: string, timeoutMs?: number, pollMs?: number, log?: (msg: string) => void }} [options]
 * @returns {Promise<T>}
 */
async function withLock(lockPath, fn, { what = 'the install', timeoutMs = 15 * 60_000, pollMs = 500, log = console.log } = {}) {
  const text = `${JSON.stringify({ pid: process.pid, since: new Date().toISOString(), nonce: crypto.randomBytes(8).toString('hex') })}\n`;
  const deadline = Date.now() + timeoutMs;
  fs.mkdirSync(path.dirname(lockPath), { recursive: true });
  let toldOf;
  while (!tryTake(lockPath, text)) {
    const held = readLock(lockPath);
    if (held === undefined) continue; // released meanwhile: take it now
    const owner = ownerOf(held);
    if (!owner || !isAlive(owner)) {
      if (removeStale(lockPath, held)) log(`removed the lock of an install that did not finish (${owner ? `pid ${owner} has ended` : 'no owner in it'})`);
      else await sleep(pollMs);
      continue;
    }
    if (toldOf !== owner) log(`waiting for another install of ${what} (pid ${owner}) to finish`);
    toldOf = owner;
    if (Date.now() > deadline) {
      throw new Error(`waited ${Math.round(timeoutMs / 1000)} s for another install of ${what} (pid ${owner}); ` +
        `if none is running, remove ${lockPath}`);
    }
    await sleep(pollMs);
  }
  // process.exit() (a signal handler's) skips `finally`: the lock must not outlive us even then.
  const release = () => readLock(lockPath) === text && fs.rmSync(lockPath, { force: true });
  process.on('exit', release);
  try {
    return await fn();
  } finally {
    process.removeListener('exit', release);
    release();
  }
}

/**
 * Installs once: nothing if `isInstalled()`, else under the lock, where it asks again, since the
 * install it waited for may have done the work. Returns 'present', 'installed', or
 * 'installed-by-another'.
 * @param {{ lockPath: string, isInstalled: () => boolean, install: () => Promise<void>, what?: string,
 *   timeoutMs?: number, pollMs?: number, log?: (msg: string) => void }} options
 */
async function installOnce({ lockPath, isInstalled, install, log = console.log, ...options }) {
  if (isInstalled()) return 'present';
  return withLock(lockPath, async () => {
    if (isInstalled()) {
      log(`${options.what ?? 'it'} was installed meanwhile by the run that held the lock`);
      return 'installed-by-another';
    }
    await install();
    return 'installed';
  }, { log, ...options });
}

module.exports = { withLock, installOnce };
