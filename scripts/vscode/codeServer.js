'use strict';
// Starts a throw-away code-server on 127.0.0.1 for one run and stops everything it started.

const fs = require('fs');
const http = require('http');
const net = require('net');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');
const { ensureCodeServer } = require('./ensureCodeServer');

const HOST = '127.0.0.1';

/** Resolves to true when nothing listens on HOST:port. */
function isPortFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, HOST, () => server.close(() => resolve(true)));
  });
}

/** A port the OS just handed out on HOST (free now; a race with other programs is possible). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// Keeps path separators readable in the URL a person sees; the workbench decodes either form.
function encodePath(p) {
  return encodeURIComponent(p).replace(/%2F/g, '/');
}

/**
 * The workbench URL that opens `folder` and, through the `payload` parameter, loads the
 * extension at `extensionDevelopmentPath` and runs the tests at `extensionTestsPath`
 * (its `run()` executes inside the Node extension host). Paths are absolute server paths.
 */
function workbenchUrl({ port, folder, extensionDevelopmentPath, extensionTestsPath }) {
  const remote = (p) => `vscode-remote://${HOST}:${port}${encodePath(p)}`;
  const payload = [];
  if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remote(extensionDevelopmentPath)]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
  let url = `http://${HOST}:${port}/?folder=${encodePath(folder)}`;
  if (payload.length) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return url;
}

function waitForHttp(url, { timeoutMs, exited }) {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (exited()) return reject(new Error(`code-server exited before answering at ${url}`));
      const req = http.get(url, (res) => {
        res.resume();
        resolve();
      });
      req.setTimeout(2000, () => req.destroy(new Error('timeout')));
      req.on('error', () => {
        if (Date.now() > deadline) {
          reject(new Error(`code-server did not answer at ${url} within ${timeoutMs / 1000} s`));
        } else {
          setTimeout(attempt, 250);
        }
      });
    };
    attempt();
  });
}

// Live members of a process group. Reads /proc so that zombies (which `kill(-pgid, 0)` still
// counts, and which only their new parent can reap) do not look like survivors.
function groupMembers(pgid) {
  if (!fs.existsSync('/proc/self/stat')) {
    try { process.kill(-pgid, 0); return [pgid]; } catch { return []; }
  }
  const members = [];
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let stat;
    try { stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8'); } catch { continue; }
    // Fields after the last ')' (the command name may contain spaces or parentheses):
    // state ppid pgrp ...
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z') members.push(Number(pid));
  }
  return members;
}

const groupAlive = (pgid) => groupMembers(pgid).length > 0;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The folder an extension is installed as, `<publisher>.<name>-<version>`, from its package.json. */
function installedFolderName(extensionDir) {
  const { publisher, name, version } = JSON.parse(fs.readFileSync(path.join(extensionDir, 'package.json'), 'utf8'));
  return `${publisher}.${name}-${version}`;
}

/**
 * Writes the index VS Code's server reads to find the language pack of a display language
 * (normally kept up to date by installing the pack from the marketplace).
 */
function registerLanguagePack(userDataDir, locale, folder) {
  const manifest = JSON.parse(fs.readFileSync(path.join(folder, 'package.json'), 'utf8'));
  const localization = manifest.contributes.localizations.find((l) => l.languageId === locale);
  const id = `${manifest.publisher}.${manifest.name}`;
  const translations = Object.fromEntries(localization.translations.map((t) => [t.id, path.join(folder, t.path)]));
  const packs = {
    [locale]: {
      hash: require('crypto').createHash('md5').update(id).update(manifest.version).digest('hex'),
      extensions: [{ extensionIdentifier: { id }, version: manifest.version }],
      translations,
      label: localization.localizedLanguageName,
    },
  };
  fs.writeFileSync(path.join(userDataDir, 'languagepacks.json'), JSON.stringify(packs));
}

/**
 * Starts code-server in its own process group with a scratch user-data dir, extensions dir
 * and XDG/TMP dirs, so it writes nothing into the home folder.
 * @param {object} o
 * @param {string} [o.extensionDevelopmentPath] kept for `urlFor()`
 * @param {string} o.folder the workspace folder to open
 * @param {(msg: string) => void} [o.log]
 * @param {object} [o.extraSettings] merged into User/settings.json
 * @param {number} [o.port] default: a free port
 * @param {Record<string,string>} [o.extensionLinks] extensions-dir entry name -> folder to symlink
 * @param {boolean} [o.echoOutput] print code-server's own output (default: keep it for errors)
 * @param {boolean} [o.gallery] false: no extension marketplace (hermetic tests)
 * @param {string} [o.locale] display language, e.g. zh-cn (what extensions see as vscode.env.language)
 * @param {string} [o.languagePack] folder of a language pack extension for `locale`: VS Code ignores
 *   a display language it has no language pack for
 * @returns {Promise<{url: string, port: number, scratch: string, pid: number, exited: Promise<number|string>,
 *   urlFor: (extensionTestsPath?: string) => string, output: () => string, stop: () => Promise<void>}>}
 */
async function startCodeServer({ extensionDevelopmentPath, folder, log = console.log, extraSettings = {},
  port, extensionLinks = {}, echoOutput = false, gallery = true, startTimeoutMs = 60000, locale, languagePack }) {
  const executable = await ensureCodeServer({ log });
  port = port || (await freePort());
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'proclens-code-server-'));
  const dirs = {};
  for (const name of ['user-data', 'extensions', 'config', 'data', 'tmp']) {
    dirs[name] = path.join(scratch, name);
    fs.mkdirSync(dirs[name]);
  }
  fs.mkdirSync(path.join(dirs['user-data'], 'User'));
  fs.writeFileSync(path.join(dirs['user-data'], 'User', 'settings.json'),
    JSON.stringify({ 'workbench.startupEditor': 'none', ...extraSettings }, null, 2));
  for (const [name, target] of Object.entries(extensionLinks)) {
    fs.symlinkSync(target, path.join(dirs.extensions, name), 'dir');
  }
  if (locale && languagePack) registerLanguagePack(dirs['user-data'], locale, languagePack);

  const args = ['--bind-addr', `${HOST}:${port}`, '--auth', 'none', '--disable-telemetry',
    '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    '--user-data-dir', dirs['user-data'], '--extensions-dir', dirs.extensions,
    ...(locale ? ['--locale', locale] : []), folder];
  const env = { ...process.env, XDG_CONFIG_HOME: dirs.config, XDG_DATA_HOME: dirs.data, TMPDIR: dirs.tmp };
  // An empty gallery turns off the look-ups at open-vsx.org, which fail offline and print a
  // stack trace into every test run.
  if (!gallery) env.EXTENSIONS_GALLERY = '{}';
  // detached: its own process group, so stop() can reach the file watcher, the extension
  // hosts and the pty helpers too; killing only the top process leaves them running.
  const child = spawn(executable, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const pgid = child.pid;
  let exited = false;
  const exitedPromise = new Promise((resolve) => child.on('exit', (code, signal) => {
    exited = true;
    resolve(signal || code);
  }));
  const lines = [];
  const onData = (chunk) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line) continue;
      if (echoOutput) log(`[code-server] ${line}`);
      lines.push(line);
      if (lines.length > 200) lines.shift();
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);

  // Last resort if the caller dies without stop(): an extension host without its browser
  // tab waits hours for a reconnect.
  const killOnExit = () => {
    try { process.kill(-pgid, 'SIGKILL'); } catch { /* already gone */ }
    fs.rmSync(scratch, { recursive: true, force: true });
  };
  process.on('exit', killOnExit);

  let stopping;
  const stop = () => {
    stopping = stopping || (async () => {
      process.removeListener('exit', killOnExit);
      try { process.kill(-pgid, 'SIGTERM'); } catch { /* already gone */ }
      for (let i = 0; i < 50 && groupAlive(pgid); i++) await sleep(100);
      if (groupAlive(pgid)) {
        log(`code-server (process group ${pgid}) ignored SIGTERM for 5 s; sending SIGKILL`);
        try { process.kill(-pgid, 'SIGKILL'); } catch { /* gone meanwhile */ }
        for (let i = 0; i < 20 && groupAlive(pgid); i++) await sleep(100);
        if (groupAlive(pgid)) log(`warning: still alive in process group ${pgid}: ${groupMembers(pgid).join(' ')}`);
      }
      child.stdout.destroy();
      child.stderr.destroy();
      fs.rmSync(scratch, { recursive: true, force: true });
    })();
    return stopping;
  };

  const url = `http://${HOST}:${port}/`;
  try {
    await waitForHttp(`${url}healthz`, { timeoutMs: startTimeoutMs, exited: () => exited });
  } catch (err) {
    await stop();
    throw new Error(`${err.message}\nLast output of code-server:\n${lines.slice(-30).join('\n')}`);
  }
  return {
    url, port, scratch, pid: pgid, stop, exited: exitedPromise,
    urlFor: (extensionTestsPath) => workbenchUrl({ port, folder, extensionDevelopmentPath, extensionTestsPath }),
    output: () => lines.join('\n'),
  };
}

module.exports = { startCodeServer, installedFolderName, workbenchUrl, freePort, isPortFree, groupMembers, HOST };
