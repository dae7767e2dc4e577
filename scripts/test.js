// `npm test`: every suite in order, one exit code, one closing line with the counts.
//   1. type check and compile (tsc)        2. build the bundles (esbuild)
//   3. unit tests (plain Node, no VS Code)  4. engine tests (real Python processes)
//   5. integration tests inside a real VS Code (code-server), see scripts/vscode/, without the
//      Python extension; then, beside a stand-in for it (test/fixtures/python-extension-stand-in),
//      the tests whose titles name the Python extension; then the Chinese ones with VS Code's
//      display language set to zh-cn
//   6. a UI smoke test: Chromium clicks through the workbench as a person would
//   7. the packaged VSIX, installed with --install-extension, passing the same suite
// `node scripts/test.js unit engine` runs only the suites named.
// Then the temp check: nothing may be left in the OS temp folder (see scripts/runTemp.js).
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { makeRunTemp, takeLeftovers } = require('./runTemp');

const root = path.resolve(__dirname, '..');
const only = process.argv.slice(2);
const totals = { passed: 0, failed: 0, skipped: 0 };
const report = [];
const runTemp = makeRunTemp();
/** The phase running now, and whether a signal asked the run to stop. */
const current = { child: undefined, stopping: false };

/** Runs one step, echoing its output as it comes, and returns whether it passed. */
function step(name, args, countFrom) {
  if (only.length && !only.includes(name)) {
    return Promise.resolve(true);
  }
  if (current.stopping) {
    report.push(`${name}: not run (stopped)`);
    return Promise.resolve(false);
  }
  console.log(`\n=== ${name}: node ${args.join(' ')}`);
  const started = Date.now();
  return new Promise((resolve) => {
    const env = { ...process.env, ...runTemp.env };
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
    current.child = child;
    child.on('close', () => (current.child = undefined));
    let output = '';
    child.stdout.on('data', (data) => {
      process.stdout.write(data);
      output += data;
    });
    child.on('close', (code) => {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const ok = code === 0;
      const counts = countFrom?.(output);
      if (counts) {
        totals.passed += counts.passed;
        totals.skipped += counts.skipped;
        // A runner that failed with no failing test (a crash, a file that did not load) still counts.
        totals.failed += counts.failed || (ok ? 0 : 1);
        report.push(`${name}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped (${seconds} s)`);
      } else {
        totals.failed += ok ? 0 : 1;
        report.push(`${name}: ${ok ? 'ok' : 'FAILED'} (${seconds} s)`);
      }
      resolve(ok);
    });
  });
}

/** The closing counts of node's spec reporter ("ℹ pass 38"). */
function nodeTestCounts(output) {
  const read = (key) => Number(new RegExp(`^ℹ ${key} (\\d+)$`, 'm').exec(output)?.[1] ?? 0);
  return { passed: read('pass'), failed: read('fail') + read('cancelled'), skipped: read('skipped') + read('todo') };
}

function nodeTests(name, folder) {
  // Not asked for: its folder may not even be compiled.
  if (only.length && !only.includes(name)) {
    return Promise.resolve(true);
  }
  const files = fs
    .readdirSync(path.join(root, folder))
    .filter((file) => file.endsWith('.test.js'))
    .map((file) => path.join(folder, file));
  return step(name, ['--test', '--test-reporter=spec', ...files], nodeTestCounts);
}

/** The closing line of the scripts in scripts/vscode ("integration: 8 passed, 0 failed"). */
const harnessCounts = (name) => (output) => {
  const match = new RegExp(`^${name}: (\\d+) passed, (\\d+) failed`, 'm').exec(output);
  return match ? { passed: Number(match[1]), failed: Number(match[2]), skipped: 0 } : undefined;
};

/** Fails the run when a phase left anything in the run's temp folder, naming each entry. */
function checkTemp() {
  const left = takeLeftovers(runTemp.folder);
  if (left.length === 0) {
    report.push('temp: nothing left in the temp folder');
    return true;
  }
  console.log(`\n=== temp: the run left ${left.length} ${left.length === 1 ? 'entry' : 'entries'} in the temp folder; each test must remove what it creates:`);
  for (const { name, holds } of left) {
    const more = holds.length > 3 ? `, … (${holds.length} in all)` : '';
    console.log(`  ${name}${holds.length ? ` (holds ${holds.slice(0, 3).join(', ')}${more})` : ''}`);
  }
  report.push(`temp: FAILED, left in the temp folder: ${left.map(({ name }) => name).join(', ')}`);
  totals.failed++;
  return false;
}

// Ctrl+C: the phase running ends (the terminal signals it too), none follows, and the temp
// folder is still checked and removed. A second signal ends the run at once.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (current.stopping) {
      fs.rmSync(runTemp.folder, { recursive: true, force: true });
      process.exit(1);
    }
    current.stopping = true;
    console.error(`\n${signal}: stopping; the temp check still runs (a second ${signal} ends the run at once)`);
    current.child?.kill(signal);
  });
}

async function main() {
  const tsc = path.join('node_modules', 'typescript', 'bin', 'tsc');
  const results = [await step('compile', [tsc, '-p', '.']), await step('build', ['esbuild.js'])];
  if (results.every(Boolean)) {
    results.push(await nodeTests('unit', 'out/test/unit'));
    results.push(await nodeTests('engine', 'out/test/engine'));
    results.push(await step('integration', [path.join('scripts', 'vscode', 'runIntegrationTests.js')], harnessCounts('integration')));
    results.push(await step('python-extension', [path.join('scripts', 'vscode', 'runIntegrationTests.js'),
      '--also-install', path.join('test', 'fixtures', 'python-extension-stand-in'), '--grep', 'Python extension'], harnessCounts('integration')));
    results.push(await step('zh-cn', [path.join('scripts', 'vscode', 'runIntegrationTests.js'), '--locale', 'zh-cn'], harnessCounts('integration')));
    results.push(await step('ui', [path.join('scripts', 'vscode', 'runUiSmokeTest.js'), '--no-readme-picture'], harnessCounts('ui')));
    results.push(await step('vsix', [path.join('scripts', 'vscode', 'checkVsix.js')], harnessCounts('vsix')));
  }
  results.push(checkTemp());
  console.log(`\n${report.join('\n')}`);
  console.log(`total: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  process.exit(results.every(Boolean) ? 0 : 1);
}

main();
