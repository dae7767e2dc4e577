'use strict';
// Packages the VSIX offline, installs it into a scratch code-server extensions folder with
// `--install-extension` (as a person would), checks what it ships, then runs the integration
// suite against the installed copy: the package itself activates and works.
//
//   node scripts/vscode/checkVsix.js        (last line: `vsix: N passed, M failed`)

const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync, spawnSync } = require('child_process');
const { ensureCodeServer, repoRoot } = require('./ensureCodeServer');
const { installedFolderName } = require('./codeServer');

const log = (msg) => console.log(`[vsix] ${msg}`);
const { name, version } = require(path.join(repoRoot, 'package.json'));

// What must be inside, and what must not (sources, tests, dependencies, source maps).
const REQUIRED = [
  'package.json', 'dist/extension.js', 'dist/cli.js', 'tracer/sitecustomize.py', 'tracer/_proclens_tracer.py', 'launcher/run_in_terminal.py', 'examples/manifest.json', 'media/proclens.svg', 'media/icon.png', 'README.md', 'LICENSE', 'CHANGELOG.md',
  // The README's pictures.
  'docs/screenshot-processes.png', 'docs/screenshot-timeline.png', 'docs/screenshot-walkthrough.png',
  // ps-list's Windows helper (see esbuild.js).
  ...fs.readdirSync(path.join(path.dirname(require.resolve('ps-list', { paths: [repoRoot] })), 'vendor')).map((file) => `dist/vendor/${file}`),
];
const FORBIDDEN = /^(src|test|scripts|node_modules|\.cache|out)\/|\.map$|\.ts$/;

function listFiles(folder, prefix = '') {
  return fs.readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const relative = prefix + entry.name;
    return entry.isDirectory() ? listFiles(path.join(folder, entry.name), `${relative}/`) : [relative];
  });
}

async function main() {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'proclens-vsix-'));
  let failed = 0;
  try {
    const vsix = path.join(scratch, `${name}-${version}.vsix`);
    const vsce = path.join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
    execFileSync(process.execPath, ['esbuild.js', '--production'], { cwd: repoRoot, stdio: 'inherit' });
    execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', vsix], { cwd: repoRoot, stdio: 'inherit' });
    log(`packaged ${path.basename(vsix)}: ${(fs.statSync(vsix).size / 1024).toFixed(0)} KB`);

    const codeServer = await ensureCodeServer({ log });
    const extensionsDir = path.join(scratch, 'extensions');
    const env = { ...process.env, XDG_CONFIG_HOME: path.join(scratch, 'config'), XDG_DATA_HOME: path.join(scratch, 'data') };
    execFileSync(codeServer, ['--install-extension', vsix, '--extensions-dir', extensionsDir, '--user-data-dir', path.join(scratch, 'user')], { env, stdio: 'inherit' });
    const installed = path.join(extensionsDir, installedFolderName(repoRoot));
    const files = listFiles(installed);
    // The installer may store README.md as readme.md and LICENSE as LICENSE.txt.
    const shipped = new Set(files.map((file) => file.toLowerCase().replace(/\.txt$/, '')));
    const missing = REQUIRED.filter((file) => !shipped.has(file.toLowerCase()));
    const unwanted = files.filter((file) => FORBIDDEN.test(file));
    log(`installed ${files.length} files into ${path.basename(installed)}`);
    if (missing.length || unwanted.length) {
      failed++;
      log(`FAILED: missing ${JSON.stringify(missing)}, should not ship ${JSON.stringify(unwanted.slice(0, 10))}`);
    }
    const run = spawnSync(process.execPath, [path.join(__dirname, 'runIntegrationTests.js'), '--extension', installed], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    process.stdout.write(run.stdout);
    const counts = /^integration: (\d+) passed, (\d+) failed/m.exec(run.stdout);
    const passed = counts ? Number(counts[1]) : 0;
    failed += counts ? Number(counts[2]) : 1;
    console.log(`vsix: ${passed + (missing.length || unwanted.length ? 0 : 1)} passed, ${failed} failed`);
    process.exitCode = failed || run.status ? 1 : 0;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
    // Leave a development build behind, with source maps, as `npm run build` would.
    execFileSync(process.execPath, ['esbuild.js'], { cwd: repoRoot, stdio: 'ignore' });
  }
}

main().catch((error) => {
  console.error(`[vsix] FAILED: ${error.message}`);
  console.log('vsix: 0 passed, 1 failed');
  process.exitCode = 1;
});
