'use strict';
// Runs CPython test packages plain and under ProcLens, and prints what the traced run printed
// differently: the tracer must leave a program's output as it was. A manual check, not part of
// `npm test`: on 2 busy cores Python 3.13's three multiprocessing packages took 4 to 5.5
// minutes each way (fork 1, forkserver 1.5, spawn 2 to 2.5), so 9 to 11 minutes for a check.
//
//   node scripts/compareCPythonTests.js --python PYTHON PACKAGE... [options] [-- REGRTEST ARGS]
//
//   e.g. node scripts/compareCPythonTests.js --python /path/to/python3.13 \
//          test_multiprocessing_fork test_multiprocessing_spawn test_multiprocessing_forkserver
//
// Needs a build (`node esbuild.js`): the traced run is `node dist/cli.js run --json=… -- PYTHON
// -m test PACKAGE -v`, and the CLI takes the tracer beside it (dist/../tracer). Options:
//   --cli PATH      another dist/cli.js, with its tracer/ beside its dist/ (another tracer)
//   --plain-twice   run plain twice instead: what differs then is what the normalizing below
//                   has missed (it must print no difference)
//   --keep DIR      keep the raw outputs there (PACKAGE.plain.txt, PACKAGE.traced.txt)
//   --verbose-off   without regrtest's -v (one line per test file, not per test)
//   --python-arg A  an option for Python itself, before -m test (repeat it: --python-arg -X
//                   --python-arg dev); both runs get it
// Each package runs once each way, one after the other, never in parallel, with the same random
// seed, regrtest's --timeout 600 and stdout and stderr in one file as a terminal shows them.
// Exit code: 0 when every package printed the same, 1 when one differs, 2 on a bad command line.

const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const USAGE =
  'usage: node scripts/compareCPythonTests.js --python PYTHON PACKAGE... [--cli PATH] [--plain-twice] [--keep DIR] [--verbose-off] [--python-arg ARG]... [-- REGRTEST ARGS]';
const SEED = '20240501';
/** Far above any of these packages: a run still going then is reported as hung and stopped. */
const RUN_LIMIT_MS = 45 * 60_000;

/** A duration as regrtest prints it: "40.4 sec", "1 min 30 sec", "2 hour 5 min", "300 ms". */
const DURATION = String.raw`(?:\d+ hour(?: \d+ min)?|\d+ min(?: \d+ sec)?|\d+(?:\.\d+)? sec|\d+ ms)`;

/**
 * What differs between two plain runs of the same package, and only that (checked with
 * --plain-twice): each rule with a line it rewrites.
 */
const NORMALIZE = [
  // "0:01:14 load avg: 6.52 [3/4] test_x": the clock since the start, the machine's load.
  [/^\d+:\d\d:\d\d(?: load avg: \d+\.\d\d)? /, 'H:MM:SS '],
  // "[3/4] test_x -- test_w passed in 34.5 sec": said only of a file that took 30 s or more.
  [new RegExp(String.raw`^(H:MM:SS .*) -- \S+ passed in ${DURATION}$`), '$1'],
  [new RegExp(String.raw`^(H:MM:SS .* -- .*) in ${DURATION}`), '$1 in TIME'],
  // "Ran 151 tests in 23.766s"
  [/^Ran (\d+ tests?) in \d+\.\d+s$/, 'Ran $1 in TIME'],
  // "Total duration: 3 min 1 sec"
  [/^Total duration: .*$/, 'Total duration: TIME'],
  // "== cwd: /tmp/test_python_worker_26098æ": the folder is named after regrtest's pid.
  [/test_python_(worker_)?\d+/g, 'test_python_$1PID'],
  // "DeprecationWarning: This process (pid=9284) is multi-threaded" (with warnings on).
  [/\(pid=\d+\)/g, '(pid=PID)'],
];

function parseArguments(argv) {
  const options = { packages: [], python: undefined, cli: path.join(__dirname, '..', 'dist', 'cli.js'), plainTwice: false, keep: undefined, verbose: true, pythonArgs: [], extra: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      options.extra = argv.slice(i + 1);
      break;
    } else if (arg === '--python' || arg === '--cli' || arg === '--keep') {
      if (argv[i + 1] === undefined) {
        return `${arg} needs a value`;
      }
      options[arg.slice(2)] = argv[++i];
    } else if (arg === '--python-arg') {
      if (argv[i + 1] === undefined) {
        return `${arg} needs a value`;
      }
      options.pythonArgs.push(argv[++i]);
    } else if (arg === '--plain-twice') {
      options.plainTwice = true;
    } else if (arg === '--verbose-off') {
      options.verbose = false;
    } else if (arg.startsWith('-')) {
      return `unknown option ${arg}`;
    } else {
      options.packages.push(arg);
    }
  }
  if (!options.python || options.packages.length === 0) {
    return 'a Python and at least one package are needed';
  }
  return options;
}

/** Runs `command` with stdout and stderr into one file, as `> file 2>&1` does; resolves with the exit code and the time it took. */
function runInto(file, command, args) {
  return new Promise((resolve, reject) => {
    const fd = fs.openSync(file, 'w');
    const started = Date.now();
    // Plain and traced alike: no PROCLENS variable from a traced shell, no terminal to read.
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('PROCLENS_')));
    // Its own process group, so that a hung run is stopped whole.
    const child = spawn(command, args, { cwd: os.tmpdir(), env, stdio: ['ignore', fd, fd], detached: true });
    fs.closeSync(fd);
    const limit = setTimeout(() => {
      fs.appendFileSync(file, `\n[compareCPythonTests: stopped after ${RUN_LIMIT_MS / 60_000} min]\n`);
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, RUN_LIMIT_MS);
    child.on('error', (error) => {
      clearTimeout(limit);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(limit);
      resolve({ code: code ?? `signal ${signal}`, seconds: (Date.now() - started) / 1000 });
    });
  });
}

const normalize = (text) =>
  text
    .split('\n')
    .map((line) => NORMALIZE.reduce((result, [pattern, replacement]) => result.replace(pattern, replacement), line));

/** The lines only in `a` and only in `b`, in order, from a longest common subsequence. */
function lineDiff(a, b) {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) {
    start++;
  }
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const n = endA - start;
  const m = endB - start;
  // lengths[i * (m + 1) + j]: the longest common subsequence of a[start+i..] and b[start+j..].
  const lengths = new Uint32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lengths[i * (m + 1) + j] =
        a[start + i] === b[start + j] ? lengths[(i + 1) * (m + 1) + j + 1] + 1 : Math.max(lengths[(i + 1) * (m + 1) + j], lengths[i * (m + 1) + j + 1]);
    }
  }
  const out = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[start + i] === b[start + j]) {
      i++;
      j++;
    } else if (i < n && (j === m || lengths[(i + 1) * (m + 1) + j] >= lengths[i * (m + 1) + j + 1])) {
      // What the plain run printed first, then what the other printed instead, as diff -u does.
      out.push({ side: '-', line: start + i + 1, text: a[start + i] });
      i++;
    } else {
      out.push({ side: '+', line: start + j + 1, text: b[start + j] });
      j++;
    }
  }
  return out;
}

/** regrtest's own summary lines, to say what ran. */
const summaryOf = (lines) => lines.filter((l) => /^(Total tests|Result|Total test files):/.test(l)).join('; ') || '(no regrtest summary)';

async function comparePackage(options, pkg, folder) {
  const regrtest = [...options.pythonArgs, '-m', 'test', pkg, ...(options.verbose ? ['-v'] : []), '--randseed', SEED, '--timeout', '600', ...options.extra];
  const first = path.join(folder, `${pkg}.plain.txt`);
  const second = path.join(folder, options.plainTwice ? `${pkg}.plain2.txt` : `${pkg}.traced.txt`);
  const json = path.join(folder, `${pkg}.traced.jsonl`);
  const plain = await runInto(first, options.python, regrtest);
  const other = options.plainTwice
    ? await runInto(second, options.python, regrtest)
    : await runInto(second, process.execPath, [options.cli, 'run', `--json=${json}`, '--', options.python, ...regrtest]);
  const a = normalize(fs.readFileSync(first, 'utf8'));
  const b = normalize(fs.readFileSync(second, 'utf8'));
  const otherName = options.plainTwice ? 'plain again' : 'traced';
  const diff = lineDiff(a, b);
  console.log(`${pkg}`);
  console.log(`  plain:       exit ${plain.code}, ${plain.seconds.toFixed(1)} s, ${summaryOf(a)}`);
  console.log(`  ${(otherName + ':').padEnd(12)} exit ${other.code}, ${other.seconds.toFixed(1)} s, ${summaryOf(b)}`);
  if (!options.plainTwice && fs.existsSync(json)) {
    const lines = fs.readFileSync(json, 'utf8').trim().split('\n');
    const summary = JSON.parse(lines[lines.length - 1]);
    console.log(`  traced processes: ${summary.processes?.length ?? '?'}`);
  }
  const same = diff.length === 0 && plain.code === other.code;
  console.log(`  ${same ? 'the same output' : `${diff.length} line(s) differ (- plain, + ${otherName})`}`);
  for (const d of diff) {
    console.log(`  ${d.side} ${String(d.line).padStart(5)}: ${d.text}`);
  }
  return same;
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  if (typeof options === 'string') {
    console.error(`${options}\n${USAGE}`);
    return 2;
  }
  if (!options.plainTwice && !fs.existsSync(options.cli)) {
    console.error(`no ${options.cli}: build first (node esbuild.js)`);
    return 2;
  }
  const folder = options.keep ?? fs.mkdtempSync(path.join(os.tmpdir(), 'proclens-cpython-'));
  fs.mkdirSync(folder, { recursive: true });
  let allSame = true;
  try {
    for (const pkg of options.packages) {
      allSame = (await comparePackage(options, pkg, folder)) && allSame;
    }
  } finally {
    if (!options.keep) {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  }
  return allSame ? 0 : 1;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error) => {
      console.error(error);
      process.exit(2);
    },
  );
}

module.exports = { lineDiff, normalize };
