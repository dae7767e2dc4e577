'use strict';
// Installs code-server (VS Code's own server build, from the npm registry) once into
// <repo>/.cache/code-server/ and returns its executable. We cannot download VS Code or
// Electron here, and code-server gives us a real workbench with a real Node extension host.

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn, spawnSync } = require('child_process');
const { installOnce } = require('./installLock');

// 4.100.3 (VS Code 1.100.3) is the newest code-server that runs on node 20.
const CODE_SERVER_VERSION = '4.100.3';
// The exact names @vscode/ripgrep@1.15.11 (a code-server dependency) looks for in its cache.
const RIPGREP_CACHE_DIR = 'vscode-ripgrep-cache-1.15.11';
const RIPGREP_ARCHIVE = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

// Build deps of code-server's native modules, Debian's rg (stands in for the GitHub download)
// and the browser that drives the workbench.
const DEBIAN_PACKAGES = ['chromium', 'ripgrep', 'libkrb5-dev', 'libxkbfile-dev', 'libsecret-1-dev'];

const repoRoot = path.resolve(__dirname, '..', '..');
const installDir = path.join(repoRoot, '.cache', 'code-server');
const markerFile = path.join(installDir, `installed-${CODE_SERVER_VERSION}.json`);
const executable = path.join(installDir, 'node_modules', '.bin', 'code-server');
// Beside the install, not in it: held while the install folder is written.
const lockPath = path.join(repoRoot, '.cache', 'code-server.lock');

function missingDebianPackages(names) {
  return names.filter((name) => {
    const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
    return r.status !== 0 || !r.stdout.includes('install ok installed');
  });
}

function run(cmd, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: 'inherit', ...options });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} failed (${signal || 'exit ' + code})`)));
  });
}

/** Installs the Debian packages among `names` that are missing (as root), or explains how. */
async function ensureDebianPackages(names, { log = console.log } = {}) {
  const missing = missingDebianPackages(names);
  if (missing.length === 0) return;
  const command = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    throw new Error(`Missing Debian packages: ${missing.join(', ')}. Install them as root:\n  ${command}`);
  }
  log(`Installing missing Debian packages: ${missing.join(' ')} (apt-get update; apt-get install -y ...)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await run('apt-get', ['update'], { env });
  await run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env });
}

function tail(file, lines) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

async function installCodeServer(log) {
  fs.mkdirSync(installDir, { recursive: true });
  // Without its own package.json, npm would walk up and install into the extension's
  // package.json; code-server must never become a dependency of the VSIX.
  fs.writeFileSync(path.join(installDir, 'package.json'),
    JSON.stringify({ name: 'proclens-code-server-cache', private: true }, null, 2) + '\n');

  // A TMPDIR of our own: @vscode/ripgrep looks for its cached archive under os.tmpdir(),
  // and we hand it Debian's rg instead of letting it download from GitHub (unreachable).
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'proclens-cs-install-'));
  try {
    const stage = path.join(tmp, 'rg-stage');
    fs.mkdirSync(stage);
    fs.copyFileSync('/usr/bin/rg', path.join(stage, 'rg'));
    fs.chmodSync(path.join(stage, 'rg'), 0o755);
    const cacheDir = path.join(tmp, RIPGREP_CACHE_DIR);
    fs.mkdirSync(cacheDir);
    await run('tar', ['-czf', path.join(cacheDir, RIPGREP_ARCHIVE), '-C', stage, 'rg']);

    const logFile = path.join(installDir, 'install.log');
    log(`Installing code-server@${CODE_SERVER_VERSION} into ${path.relative(repoRoot, installDir)}/ ` +
      `(once; about 70-120 s, compiles native modules; output in ${path.relative(repoRoot, logFile)})`);
    const env = {
      ...process.env,
      TMPDIR: tmp,
      npm_config_unsafe_perm: 'true', // as root, code-server's postinstall refuses to run otherwise
      npm_config_yes: 'true', // node-pty's postinstall runs `npx node-gyp`; the npm config says yes=false
      npm_config_audit: 'false',
      npm_config_fund: 'false',
    };
    const out = fs.openSync(logFile, 'w');
    const started = Date.now();
    const ticker = setInterval(() => log(`  ... still installing (${Math.round((Date.now() - started) / 1000)} s)`), 20000);
    try {
      await run('npm', ['install', `code-server@${CODE_SERVER_VERSION}`, '--foreground-scripts', '--no-save'],
        { cwd: installDir, env, stdio: ['ignore', out, out] });
    } catch (err) {
      throw new Error(`${err.message}\nLast lines of ${logFile}:\n${tail(logFile, 40)}`);
    } finally {
      clearInterval(ticker);
      fs.closeSync(out);
    }
    if (!fs.existsSync(executable)) throw new Error(`npm finished but ${executable} is missing; see ${logFile}`);
    fs.writeFileSync(markerFile, JSON.stringify({ version: CODE_SERVER_VERSION, installedAt: new Date().toISOString(),
      seconds: Math.round((Date.now() - started) / 1000) }) + '\n');
    log(`code-server installed in ${Math.round((Date.now() - started) / 1000)} s`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * Returns the path of the code-server executable, installing code-server (and, as root,
 * the Debian packages it needs) the first time. Later runs reuse the install. Two runs at
 * once (two terminals on a fresh clone) take turns: the second waits for the first's
 * install under a lock, then finds it done.
 * @param {{ log?: (msg: string) => void }} [options]
 * @returns {Promise<string>}
 */
async function ensureCodeServer({ log = console.log } = {}) {
  await installOnce({
    lockPath,
    what: `code-server@${CODE_SERVER_VERSION}`,
    isInstalled: () => fs.existsSync(markerFile) && fs.existsSync(executable),
    install: async () => {
      await ensureDebianPackages(DEBIAN_PACKAGES, { log });
      await installCodeServer(log);
    },
    log,
  });
  return executable;
}

module.exports = { ensureCodeServer, ensureDebianPackages, CODE_SERVER_VERSION, repoRoot };

if (require.main === module) {
  ensureCodeServer().then((bin) => console.log(bin), (err) => {
    console.error(err.message);
    process.exit(1);
  });
}
