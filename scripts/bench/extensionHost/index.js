'use strict';
// Runs inside code-server's extension host for `npm run bench` (loaded as a test suite by
// scripts/vscode/runIntegrationTests.js): what ProcLens costs in the real host.
// Prints one `PROCLENS_BENCH {...}` line with its figures, then the harness's result line.

const path = require('path');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

exports.run = async function run() {
  const vscode = require('vscode');
  // Loading the main file is timed on its own (the host then finds it in the module cache),
  // then activate(). The empty extension, timed first, is what VS Code itself costs.
  const timeActivation = async (id, main) => {
    const extension = vscode.extensions.getExtension(id);
    if (!extension) throw new Error(`${id} is not installed`);
    // Nothing has opened a view or run a command: the extension is not loaded yet.
    if (extension.isActive) throw new Error(`${id} was already active: its activation cannot be timed`);
    const loadStarted = performance.now();
    require(path.join(extension.extensionPath, main));
    const loadMs = performance.now() - loadStarted;
    const started = performance.now();
    const exported = await extension.activate();
    return { loadMs, activateMs: performance.now() - started, exported };
  };
  const empty = await timeActivation('proclens-bench.empty', 'extension.js');
  const proclens = await timeActivation('proclens.proclens', path.join('dist', 'extension.js'));
  const api = proclens.exported;
  const figures = {
    emptyLoadMs: empty.loadMs,
    emptyActivateMs: empty.activateMs,
    loadMs: proclens.loadMs,
    activateMs: proclens.activateMs,
    activateBodyMs: api.activationMs,
  };
  // The CPU figures take a minute and a half: the bench asks for them in one of its runs only.
  if (process.env.PROCLENS_BENCH_CPU === '1') Object.assign(figures, await hostCpuFigures(api));
  console.log(`PROCLENS_BENCH ${JSON.stringify(figures)}`);
  console.log(`PROCLENS_RESULT ${JSON.stringify({ passed: 1, failed: 0 })}`);
};

/**
 * The whole host's CPU in 10 s windows, alternately with ProcLens following nothing and while
 * it follows 100 sleeping processes, three of each. Interleaving spreads slow drifts (other
 * extensions settling, the machine's load) over both kinds, and three of each give a spread
 * to judge the difference by.
 */
async function hostCpuFigures(api) {
  const WINDOWS = 3;
  const hostCpu = async () => {
    const before = process.cpuUsage();
    const from = Date.now();
    await sleep(10000);
    const used = process.cpuUsage(before);
    return ((used.user + used.system) / 1000 / (Date.now() - from)) * 100;
  };
  // Let the host finish what starting up set going (other extensions, the workbench).
  await sleep(5000);
  const burst = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'python', 'burst.py');
  const figures = { baselineCpuPercent: [], idleCpuPercent: [], tracked: [] };
  for (let i = 0; i < WINDOWS; i++) {
    figures.baselineCpuPercent.push(await hostCpu());
    // 100 sleeping children followed by the extension's own tracker.
    const run = await api.tracker.start({ command: [process.env.PROCLENS_BENCH_PYTHON || 'python3', burst, '100', 'fork', '30'], stdio: 'pipe' });
    const children = () => api.tracker.model.processesOf(run.id).filter((p) => p.kind === 'mp-child').length;
    for (let j = 0; j < 300 && children() < 100; j++) await sleep(100);
    await sleep(1000);
    figures.idleCpuPercent.push(await hostCpu());
    figures.tracked.push(children());
    process.kill(-run.program.pid, 'SIGKILL');
    await run.finished;
    // What ending 100 processes set going (the scan seeing them go) is not the next idle window's.
    await sleep(2000);
  }
  return figures;
}
