'use strict';
// `npm run bench`: measures and reports; it never fails because a machine is slow.
// Writes the table to stdout and to docs/benchmarks.md. Needs `tsc -p .` and a build first
// (the npm script does both). PROCLENS_PYTHON picks the interpreter (default python3).
//
//   node scripts/bench.js [--quick] [--only P1,P5]
//   (--quick: fewer repetitions; --only: some sections, without rewriting docs/benchmarks.md;
//   --only P5 alone takes about 2 minutes: one extension host run, no activation timings)

const { execFileSync, spawn, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { summary, fmt, fmtSummary, sleep, addedCpuVerdict } = require('./bench/measure');
const { ProcessTracker } = require('../out/src/core/tracking/processTracker');
const { ProcessModel } = require('../out/src/core/model/processModel');
const { buildProcessTree } = require('../out/src/core/model/processTree');
const { processDescription } = require('../out/src/core/present/processText');
const { LinuxProcLister } = require('../out/src/core/scan/linuxProcLister');
const { PsListLister } = require('../out/src/core/scan/psListLister');

const root = path.resolve(__dirname, '..');
const quick = process.argv.includes('--quick');
const onlyArg = process.argv.find((a) => a.startsWith('--only'));
const only = onlyArg ? (onlyArg.split('=')[1] ?? process.argv[process.argv.indexOf(onlyArg) + 1]).split(',') : undefined;
const wanted = (id) => !only || only.includes(id);
const REPS = quick ? 2 : 3;
const python = resolvePython(process.env.PROCLENS_PYTHON || 'python3');
const tracerDirectory = path.join(root, 'tracer');
const fixture = (name) => path.join(root, 'test', 'fixtures', 'python', name);
const results = [];
const report = (id, what, figure, goal, verdict) => {
  results.push({ id, what, figure, goal, verdict });
  console.log(`${id} ${what}: ${figure}  [goal: ${goal}; ${verdict}]`);
};

function resolvePython(name) {
  // A pyenv shim would add a second of bash to every run: time the real interpreter.
  return execFileSync(name, ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
}

const newTracker = (scanIntervalMs = 500, directory = tracerDirectory) => new ProcessTracker({ tracerDirectory: directory, scanIntervalMs });

// Process groups the bench started (each program runs in its own): Ctrl+C ends them too.
const startedGroups = new Set();
async function startRun(tracker, command) {
  const run = await tracker.start({ command, stdio: 'pipe' });
  startedGroups.add(run.program.pid);
  run.finished.then(() => startedGroups.delete(run.program.pid), () => {});
  return run;
}
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]]) {
  process.on(signal, () => {
    for (const group of startedGroups) {
      try {
        process.kill(-group, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    console.error(`bench: ${signal}; stopped ${startedGroups.size} program(s) it had started`);
    process.exit(code);
  });
}

/** P1: from a child's own bootstrap timestamp to its record reaching the model's listeners. */
async function latency({ traced, scanIntervalMs }) {
  // Untraced: the tracer folder is replaced by an empty one, so only the OS scan finds children.
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'proclens-bench-'));
  const tracker = newTracker(scanIntervalMs, traced ? tracerDirectory : empty);
  const appeared = new Map();
  tracker.model.on('change', ({ processes }) => {
    const now = Date.now();
    for (const p of processes) {
      if (p.kind !== 'program' && !appeared.has(p.key)) appeared.set(p.key, now);
    }
  });
  const run = await startRun(tracker, [python, fixture('burst.py'), '200', 'fork', '2']);
  await run.finished;
  await tracker.dispose();
  fs.rmSync(empty, { recursive: true, force: true });
  const children = tracker.model.processesOf(run.id).filter((p) => p.kind !== 'program' && p.kind !== 'helper');
  // The child's own clock (boot event) when traced; the kernel's start time otherwise.
  return {
    found: children.length,
    delays: children.map((p) => Math.max(0, appeared.get(p.key) - p.startedAt)),
  };
}

/** Runs a command to its end; its wall time in ms and what it printed. Throws unless it exits 0. */
function timedRun(command, args) {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return { ms, stdout: result.stdout };
}

const wallTime = (command, args) => timedRun(command, args).ms;

/**
 * Runs `args` with Python, untraced and then traced through the CLI (`proclens run`), `reps`
 * times, alternating so that drift in the machine's load hits both alike. Returns, for each,
 * the whole command's wall time and, when the program prints its own times on its last line of
 * output (seconds, space-separated), those too.
 */
function plainAndTraced(args, reps) {
  const once = (command, commandArgs) => {
    const { ms, stdout } = timedRun(command, commandArgs);
    const last = stdout.trim().split('\n').pop() ?? '';
    const own = /^[\d. ]+$/.test(last) ? last.split(' ').map((seconds) => Number(seconds) * 1000) : [];
    return { whole: ms, own };
  };
  const runs = { plain: [], traced: [] };
  for (let i = 0; i < reps; i++) {
    runs.plain.push(once(python, args));
    runs.traced.push(once(process.execPath, [path.join(root, 'dist', 'cli.js'), 'run', '--', python, ...args]));
  }
  const compare = (pick) => {
    const plain = summary(runs.plain.map(pick));
    const traced = summary(runs.traced.map(pick));
    return { plain, traced, ratio: traced.median / plain.median };
  };
  return { whole: compare((r) => r.whole), own: (k) => compare((r) => r.own[k]) };
}

const ratioVerdict = (o, limit) => `ratio ${fmt(o.ratio, 3)}${o.ratio <= limit ? ', met' : ', NOT met'}`;
const reportRatio = (id, what, o, limit) => report(id, what, `${fmtSummary(o.plain)} vs ${fmtSummary(o.traced)}`, `ratio ≤ ${limit}`, ratioVerdict(o, limit));

/**
 * P2: what being watched costs a program: 200 empty children started and joined (the worst
 * case: the tracer's fixed cost against children that do nothing), and realistic programs.
 */
function overhead() {
  for (const method of ['fork', 'spawn', 'forkserver']) {
    const o = plainAndTraced([fixture('burst.py'), '200', method, '0', 'time'], method === 'spawn' ? REPS : REPS + 2);
    reportRatio('P2', `overhead, start+join 200 empty processes, ${method}: untraced vs traced, the program's own time`, o.own(0), 1.05);
    reportRatio('P2', `same, ${method}: the whole command (\`python …\` vs \`proclens run -- python …\`)`, o.whole, 1.05);
  }
  const lesson = [
    ['§6: four Process objects started, no join (s06_start_four_processes.py)', [path.join(root, 'examples', 's06_start_four_processes.py')]],
    ['§8: four started, then all joined (s08_join_all.py)', [path.join(root, 'examples', 's08_join_all.py')]],
    ['a Pool(4) map() of 10,000 small items, fork (pool_map_items.py)', [fixture('pool_map_items.py'), '10000', 'fork']],
  ];
  for (const [what, args] of lesson) {
    const o = plainAndTraced(args, REPS);
    if (args[0].endsWith('pool_map_items.py')) {
      reportRatio('P2', `realistic: ${what}, the program's own time`, o.own(0), 1.01);
    }
    reportRatio('P2', `realistic: ${what}, the whole command`, o.whole, 1.01);
  }
}

/**
 * P8: what the tracer's reports of blocking calls cost a program that makes such calls at
 * full speed (sync_traffic.py: Queue round trips to a child, Lock pairs, queue.Queue between
 * threads), as the program's own wall time, untraced and traced (through the CLI).
 */
const blockingCalls = (method) => plainAndTraced([fixture('sync_traffic.py'), '5000', method], REPS).own(0);

/**
 * P9: what the tracer's task reports cost a busy pool (pool_items.py: a Pool of 4 mapping
 * 100,000 tiny items ten times, then 10,000 items one task each, then a whole pool's life),
 * as the program's own times, untraced and traced (through the CLI), alternating.
 */
function poolItems(method) {
  const o = plainAndTraced([fixture('pool_items.py'), '100000', method], REPS * 2);
  return [0, 1, 2].map((k) => o.own(k));
}

/**
 * P2: what `proclens run` costs a program that does nothing, whole command against whole command
 * (Node's start-up, the bundle, the socket, the tracer in Python, the final scan), alternating.
 * `node -e 0` is timed alongside: the part of the cost that is Node's own start-up.
 */
function cliFixedCost() {
  const runs = quick ? 10 : 20;
  const cli = path.join(root, 'dist', 'cli.js');
  const plain = [];
  const traced = [];
  const bareNode = [];
  for (let i = 0; i < runs; i++) {
    plain.push(wallTime(python, ['-c', 'pass']));
    traced.push(wallTime(process.execPath, [cli, 'run', '--', python, '-c', 'pass']));
    bareNode.push(wallTime(process.execPath, ['-e', '0']));
  }
  const [p, t, n] = [plain, traced, bareNode].map(summary);
  const added = t.median - p.median;
  // Node 20 reads and parses this file at every start-up, before any JavaScript runs.
  const certs = process.env.NODE_EXTRA_CA_CERTS ? ', NODE_EXTRA_CA_CERTS set' : '';
  report('P2', `CLI fixed cost: \`proclens run -- python -c pass\` vs \`python -c pass\`, whole command, medians of ${runs} interleaved runs (\`node -e 0\` alone: ${fmt(n.median)} ms${certs})`,
    `${fmtSummary(p)} vs ${fmtSummary(t)}`, '≤ 50 ms over the plain command', `+${fmt(added)} ms, ${added <= 50 ? 'met' : 'NOT met'}`);
}

/**
 * P3: the OS scan, /proc against ps-list, side by side in each round: the tick the tracker runs
 * while it follows a run of 100 sleeping children (it reads the run's processes and new ones, and
 * every process every 5 s), and a full listing of every process, for comparison.
 */
async function scanCost(label) {
  const { IncrementalScan } = require('../out/src/core/scan/incrementalScan');
  // The tracker's own lister, each tick timed and marked full or not.
  const ticks = new IncrementalScan();
  const choose = ticks.choose.bind(ticks);
  let full = false;
  ticks.choose = (present, followed) => {
    const tick = choose(present, followed);
    full = tick.full;
    return tick;
  };
  const proc = new LinuxProcLister(undefined, ticks);
  const list = proc.list.bind(proc);
  const tickTimes = [];
  proc.list = async (followed) => {
    const started = process.hrtime.bigint();
    const listing = await list(followed);
    tickTimes.push({ ms: Number(process.hrtime.bigint() - started) / 1e6, full, read: listing.length });
    return listing;
  };
  // The tracker scans when this function asks (the interval is longer than the bench), not on its timer.
  const tracker = new ProcessTracker({ tracerDirectory, lister: proc, scanIntervalMs: 3_600_000 });
  const run = await startRun(tracker, [python, fixture('burst.py'), '100', 'fork', '600']);
  while (tracker.model.processesOf(run.id).filter((p) => p.identity).length < 101) {
    await tracker.scanNow();
    await sleep(100);
  }
  const following = tracker.model.processesOf(run.id).length;
  // Each timed ps-list call begins a listing of its own (the one before has ended); a full listing, a lister of its own.
  const psList = new PsListLister();
  const fullLister = new LinuxProcLister();
  await psList.list(); // load the module once, outside the timing
  const timed = async (work) => {
    const started = process.hrtime.bigint();
    const count = (await work()).length;
    return { ms: Number(process.hrtime.bigint() - started) / 1e6, count };
  };
  tickTimes.length = 0;
  const psTimes = [];
  const fullTimes = [];
  // About a second a round: a full read falls due every 5 s, as it would in the tracker.
  for (let i = 0; i < REPS * 5; i++) {
    await tracker.scanNow();
    psTimes.push(await timed(() => psList.list()));
    fullTimes.push(await timed(() => fullLister.list()));
    await sleep(500);
  }
  const measured = [...tickTimes];
  const waits = { tick: [], full: [] };
  for (let i = 0; i < REPS * 2; i++) {
    waits.tick.push(await longestWait(() => tracker.scanNow()));
    waits.full.push(await longestWait(() => fullLister.list()));
  }
  tracker.scanIntervalMs = 100; // from now on the tracker notices the end by itself
  process.kill(-run.program.pid, 'SIGKILL');
  await run.finished;
  await tracker.dispose();

  const s = summary(psTimes.map((t) => t.ms));
  const f = summary(fullTimes.map((t) => t.ms));
  const partial = measured.filter((t) => !t.full);
  const p = summary(partial.map((t) => t.ms));
  const fullTicks = measured.filter((t) => t.full);
  const listed = fullTimes[fullTimes.length - 1].count;
  report('P3', `scan tick as the tracker runs it while following a run of ${following} processes, ${label} (reads ${summary(partial.map((t) => t.read)).median} of ${listed} processes): /proc vs ps-list`,
    `${fmtSummary(p)} vs ${fmtSummary(s)}`, '/proc ≥ 10× faster', `${fmt(s.median / p.median)}× faster, ${s.median / p.median >= 10 ? 'met' : 'NOT met'}`);
  // At the tracker's 500 ms interval, 5 s hold nine such ticks and one full read.
  const fullRead = summary(fullTicks.map((t) => t.ms));
  const average = (9 * p.median + fullRead.median) / 10;
  report('P3', `same, the full read due every 5 s counted in, as at the 500 ms interval: (9 ticks + 1 full read of ${fmt(fullRead.median)} ms) / 10 (${fullTicks.length} of the ${measured.length} ticks were full), ${label}`,
    `${fmt(average)} ms a tick vs ${fmt(s.median)} ms`, 'for comparison', `${fmt(s.median / average)}× faster`);
  report('P3', `full listing, every process read, ${label} (${listed} processes): /proc vs ps-list`, `${fmtSummary(f)} vs ${fmtSummary(s)}`, 'for comparison', `${fmt(s.median / f.median)}× faster`);
  const longest = Math.max(...waits.tick, ...waits.full);
  report('P3', `longest the event loop waits during one tracker tick / one full /proc listing, ${label}`,
    `${fmtSummary(summary(waits.tick))} / ${fmtSummary(summary(waits.full))}`, '≤ 16 ms (one frame)', longest <= 16 ? 'met' : 'NOT met');
}

/** The longest gap between two turns of the event loop while `work` runs: what the host waits on it. */
async function longestWait(work) {
  let longest = 0;
  let last = process.hrtime.bigint();
  let running = true;
  const tick = () => {
    const now = process.hrtime.bigint();
    longest = Math.max(longest, Number(now - last) / 1e6);
    last = now;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  await work();
  running = false;
  tick();
  return longest;
}

/** P7: the model's memory over 100,000 processes, with its bound on exited records and without. */
function modelMemory() {
  const output = execFileSync(process.execPath, ['--expose-gc', path.join(__dirname, 'bench', 'modelMemory.js'), '100000'], { encoding: 'utf8' });
  const { count, limit, limited, unlimited } = JSON.parse(output.trim().split('\n').pop());
  const grew = (m) => `${fmt(m.before)} → ${fmt(m.after)} MB, ${m.kept.toLocaleString('en')} records kept`;
  report('P7', `model memory, ${count.toLocaleString('en')} processes run through, at most ${limit.toLocaleString('en')} exited kept`, grew(limited), 'bounded', limited.kept <= limit + 1 ? 'met' : 'NOT met');
  report('P7', `same, with no bound (as before)`, grew(unlimited), 'for comparison', `${fmt(unlimited.after - unlimited.before)} MB vs ${fmt(limited.after - limited.before)} MB`);
}

function startSleepers(count) {
  // One shell, its own process group, so the cleanup is one kill.
  const child = spawn('sh', ['-c', `i=0; while [ $i -lt ${count} ]; do sleep 600 & i=$((i+1)); done; wait`], { detached: true, stdio: 'ignore' });
  startedGroups.add(child.pid);
  child.on('exit', () => startedGroups.delete(child.pid));
  return child;
}

/** P4: the model and the tree at 1,000 live processes. */
async function scale() {
  // Applying one burst: 1,000 starts and 1,000 boots, as the tracer sends them.
  const model = new ProcessModel({ batchMs: 1 });
  model.addRun({ id: 'r', command: ['python3'], cwd: '/', startedAt: Date.now(), state: 'live' });
  model.programStarted('r', 100, ['python3']);
  const applyTimes = [];
  const treeTimes = [];
  for (let rep = 0; rep < REPS; rep++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < 1000; i++) {
      const pid = 1000 + rep * 1000 + i;
      model.applyTracerEvent('r', { kind: 'start', pid: 100, time: Date.now(), child: pid, name: `Process-${i}`, daemon: false, method: 'fork', target: null, site: null });
      model.applyTracerEvent('r', { kind: 'boot', pid, time: Date.now(), ppid: 100, name: `Process-${i}`, daemon: false });
    }
    applyTimes.push(Number(process.hrtime.bigint() - started) / 1e6);
    // What the Processes view does for a repaint: build the tree, describe every row.
    const treeStarted = process.hrtime.bigint();
    const records = model.processesOf('r');
    const names = new Map(records.map((r) => [r.pid, r.name]));
    const walk = (nodes) => nodes.forEach((n) => {
      processDescription(n.record, names.get(n.record.joiningPid));
      walk(n.children);
    });
    walk(buildProcessTree(records));
    treeTimes.push(Number(process.hrtime.bigint() - treeStarted) / 1e6);
  }
  model.dispose();
  report('P4', 'apply a burst of 1,000 starts + 1,000 boots to the model', fmtSummary(summary(applyTimes)), 'fast enough not to be noticed', 'measured');
  report('P4', 'build the tree and describe all rows (1,000+ processes)', fmtSummary(summary(treeTimes)), 'fast enough not to be noticed', 'measured');

  // A real program: 1,000 sleeping children; every one must be in the model.
  const tracker = newTracker();
  const run = await startRun(tracker, [python, fixture('burst.py'), '1000', 'fork', '3']);
  await run.finished;
  const children = tracker.model.processesOf(run.id).filter((p) => p.kind === 'mp-child');
  const exited = children.filter((p) => p.state === 'exited' && p.exitCode === 0).length;
  await tracker.dispose();
  report('P4', '1,000 real children: seen / exited 0 in the model', `${children.length} / ${exited}`, '0 events lost', children.length === 1000 && exited === 1000 ? 'met' : 'NOT met');
}

/** P5: CPU the core uses while it follows 100 sleeping processes, in three 10 s windows. */
async function idleCost() {
  const tracker = newTracker(500);
  const run = await startRun(tracker, [python, fixture('burst.py'), '100', 'fork', '60']);
  while (tracker.model.processesOf(run.id).filter((p) => p.kind === 'mp-child').length < 100) await sleep(100);
  await sleep(1000);
  const percents = [];
  for (let i = 0; i < 3; i++) {
    const before = process.cpuUsage();
    const started = Date.now();
    await sleep(10000);
    const used = process.cpuUsage(before);
    percents.push(((used.user + used.system) / 1000 / (Date.now() - started)) * 100);
  }
  const cost = summary(percents);
  // An absolute figure, not a difference: met only if every window is within the goal.
  report('P5', 'core CPU over 10 s, 100 sleeping processes tracked (scan every 500 ms, slower while nothing changes)', fmtSummary(cost, '% of one core', 2), '≤ 1 %', cost.max <= 1 ? 'met' : 'NOT met');
  process.kill(-run.program.pid, 'SIGKILL');
  await run.finished;
  await tracker.dispose();
}

/**
 * P5 and P6 in the real extension host: code-server runs scripts/bench/extensionHost, which
 * times the activation of an empty extension (VS Code's own cost) and then of ProcLens, and
 * the host's CPU before and while ProcLens follows 100 sleeping processes.
 */
function extensionHostFigures() {
  // Measured on what ships: the production bundle (the development one is twice the size).
  execFileSync(process.execPath, ['esbuild.js', '--production'], { cwd: root, stdio: 'ignore' });
  try {
    measureInHost();
  } finally {
    execFileSync(process.execPath, ['esbuild.js'], { cwd: root, stdio: 'ignore' });
  }
}

function measureInHost() {
  const runs = [];
  // P6's activation times need REPS runs; P5's CPU figures come from the first run alone.
  for (let i = 0; i < (wanted('P6') ? REPS : 1); i++) {
    const result = spawnSync(process.execPath, [path.join(root, 'scripts', 'vscode', 'runIntegrationTests.js'),
      '--suite', path.join('scripts', 'bench', 'extensionHost'), '--also-install', path.join('scripts', 'bench', 'emptyExtension'),
      '--timeout', '360'],
    { cwd: root, encoding: 'utf8', env: { ...process.env, PROCLENS_BENCH_PYTHON: python, PROCLENS_BENCH_CPU: i === 0 && wanted('P5') ? '1' : '0' } });
    const line = /PROCLENS_BENCH (\{.*\})/.exec(result.stdout || '');
    if (!line) {
      console.log(`(the extension host figures could not be measured: ${(result.stderr || result.stdout || '').trim().split('\n').pop()})`);
      return;
    }
    runs.push(JSON.parse(line[1]));
  }
  const of = (pick) => summary(runs.map(pick));
  const own = of((r) => r.loadMs + r.activateBodyMs);
  const withCpu = runs.find((r) => r.followedCpuPercent !== undefined);
  if (withCpu) {
    // The host runs VS Code's own extensions too: ProcLens's share is the difference between
    // the same 100 processes followed and not, believed only when it is larger than the spread
    // between windows of the same kind.
    const cpu = (values) => fmtSummary(summary(values), '%', 2);
    const signedPoints = (points) => `${points >= 0 ? '+' : ''}${fmt(points, 2)} points (medians)`;
    report('P5', 'extension host CPU per 10 s window, whole host, Processes view open, 100 sleeping processes running: ProcLens following none of them vs following them, interleaved',
      `${cpu(withCpu.unfollowedCpuPercent)} vs ${cpu(withCpu.followedCpuPercent)}`,
      'ProcLens ≤ 1 %', addedCpuVerdict(withCpu.unfollowedCpuPercent, withCpu.followedCpuPercent, 1));
    report('P5', 'same windows: nothing running vs the 100 processes running, not followed (what they cost VS Code itself)',
      `${cpu(withCpu.noneCpuPercent)} vs ${cpu(withCpu.unfollowedCpuPercent)}`,
      'for comparison', signedPoints(summary(withCpu.unfollowedCpuPercent).median - summary(withCpu.noneCpuPercent).median));
  }
  if (!wanted('P6')) return;
  report('P6', 'activation, ProcLens’s own part in the real host: loading dist/extension.js + activate()',
    `${fmtSummary(own)} (load ${fmt(of((r) => r.loadMs).median)} + activate() ${fmt(of((r) => r.activateBodyMs).median)})`,
    '≤ 50 ms', own.median <= 50 ? 'met' : 'NOT met');
  report('P6', 'activation as VS Code runs it (activate() call), ProcLens vs an empty extension activated just before',
    `${fmtSummary(of((r) => r.loadMs + r.activateMs))} vs ${fmtSummary(of((r) => r.emptyLoadMs + r.emptyActivateMs))}`,
    'for comparison', 'the empty one pays VS Code’s first-activation start-up');
}

/** P6: what a person downloads and loads. */
function footprint() {
  execFileSync(process.execPath, ['esbuild.js', '--production'], { cwd: root, stdio: 'ignore' });
  const bundle = fs.statSync(path.join(root, 'dist', 'extension.js')).size;
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'proclens-vsix-'));
  const vsix = path.join(out, 'proclens.vsix');
  spawnSync(process.execPath, [path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', vsix], { cwd: root, stdio: 'ignore' });
  const vsixSize = fs.statSync(vsix).size;
  fs.rmSync(out, { recursive: true, force: true });
  execFileSync(process.execPath, ['esbuild.js'], { cwd: root, stdio: 'ignore' });
  report('P6', 'extension bundle (production)', `${fmt(bundle / 1024)} KB`, '–', 'measured');
  report('P6', 'VSIX', `${fmt(vsixSize / 1024)} KB`, '≤ 300 KB', vsixSize <= 300 * 1024 ? 'met' : 'NOT met');
}

async function main() {
  const started = Date.now();
  const pythonVersion = execFileSync(python, ['--version'], { encoding: 'utf8' }).trim();
  console.log(`ProcLens benchmarks: ${os.cpus().length} cores, node ${process.versions.node}, ${pythonVersion}, ${REPS} repetitions\n`);

  if (wanted('P1')) {
    const traced = await latency({ traced: true, scanIntervalMs: 500 });
    const t = summary(traced.delays);
    report('P1', `latency, 200 children in a burst, tracer (${traced.found} found)`, `median ${fmt(t.median)} ms, p95 ${fmt(t.p95)} ms, max ${fmt(t.max)} ms`, 'p95 ≤ 20 ms', t.p95 <= 20 ? 'met' : 'NOT met');
    const scanned = await latency({ traced: false, scanIntervalMs: 1000 });
    const s = summary(scanned.delays);
    report('P1', `latency, same burst, OS scan only every 1 s (${scanned.found} found)`, `median ${fmt(s.median)} ms, p95 ${fmt(s.p95)} ms`, 'for comparison', `${fmt(s.median / Math.max(t.median, 0.1))}× slower`);
  }
  if (wanted('P2')) overhead();
  if (wanted('P3')) {
    await scanCost('this machine');
    const baseline = (await new LinuxProcLister().list()).length;
    const sleepers = startSleepers(2000);
    // Wait until all 2,000 exist: measuring while the shell still forks would understate the count.
    for (let i = 0; i < 600 && (await new LinuxProcLister().list()).length < baseline + 2000; i++) await sleep(100);
    await scanCost('with 2,000 extra sleeping processes');
    process.kill(-sleepers.pid, 'SIGKILL');
    // The kernel takes a moment to tear 2,000 processes down: measuring P4 meanwhile measured that.
    for (let i = 0; i < 300 && (await new LinuxProcLister().list()).length > baseline + 10; i++) await sleep(100);
  }
  if (wanted('P4')) await scale();
  if (wanted('P5')) await idleCost();
  if (wanted('P5') || wanted('P6')) extensionHostFigures();
  if (wanted('P6')) footprint();
  if (wanted('P7')) modelMemory();
  if (wanted('P8')) {
    for (const method of ['fork', 'spawn']) {
      reportRatio('P8', `blocking calls at full speed (5,000 Queue round trips to a child, Lock pairs, thread queue pairs), ${method}: untraced vs traced, the program's own time`, blockingCalls(method), 1.05);
    }
  }

  if (wanted('P9')) {
    const what = ['map() of 100,000 tiny items ×10 on a started Pool(4)', 'imap_unordered() of 10,000 items, one task each', "a Pool(4)'s whole life: start, map() of 100,000 items, close, join"];
    for (const method of ['fork', 'spawn', 'forkserver']) {
      poolItems(method).forEach((o, k) => reportRatio('P9', `${what[k]}, ${method}: untraced vs traced, the program's own time`, o, 1.05));
    }
  }

  if (wanted('P2')) cliFixedCost();

  const minutes = ((Date.now() - started) / 60000).toFixed(1);
  if (!only) writeMarkdown(pythonVersion, minutes);
  console.log(`\nbench: done in ${minutes} min${only ? '' : '; the table is in docs/benchmarks.md'}`);
}

function writeMarkdown(pythonVersion, minutes) {
  const rows = results.map((r) => `| ${r.id} | ${r.what} | ${r.figure} | ${r.goal} | ${r.verdict} |`).join('\n');
  const text = `# Benchmarks

The last full run of \`npm run bench\` (${new Date().toISOString().slice(0, 10)}, ${minutes} min).

- Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}
- node ${process.versions.node}, ${pythonVersion}; ${REPS} repetitions where a figure says n
- Reproduce: \`npm ci && npm run bench\` (\`PROCLENS_PYTHON=...\` picks the interpreter)

Figures are medians with min and max; comparisons were measured side by side in the
same run, alternating, because these machines are shared and noisy.

| | what | figure | goal | verdict |
|---|---|---|---|---|
${rows}
`;
  const file = path.join(root, 'docs', 'benchmarks.md');
  // The hand-written analysis below "## Notes" survives a new run.
  const previous = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const notes = previous.includes('\n## Notes') ? previous.slice(previous.indexOf('\n## Notes')) : '';
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text + notes);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
