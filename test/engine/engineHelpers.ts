import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const REPO = path.resolve(__dirname, '..', '..', '..');
export const CLI = path.join(REPO, 'dist', 'cli.js');
export const EXAMPLES = path.join(REPO, 'examples');
export const FIXTURES = path.join(REPO, 'test', 'fixtures', 'python');
export const WITH_START_METHOD = path.join(FIXTURES, 'with_start_method.py');
export const START_METHODS = ['fork', 'spawn', 'forkserver'] as const;

export interface Interpreter {
  readonly label: string;
  readonly path: string | undefined;
}

/** Every Python the lesson's examples are compared on: each minor version from 3.8 to 3.13. */
export const LESSON_VERSIONS = ['3.8', '3.9', '3.10', '3.11', '3.12', '3.13'] as const;

/**
 * Python `label` (say '3.10'): from PROCLENS_TEST_PYTHON310, or else the newest pyenv install
 * of 3.10.x (under PYENV_ROOT, or ~/.pyenv). Its path is undefined when neither is there.
 */
export function findInterpreter(label: string): Interpreter {
  const pyenvRoot = process.env.PYENV_ROOT ?? path.join(os.homedir(), '.pyenv');
  const versions = path.join(pyenvRoot, 'versions');
  const patch = (v: string) => Number(v.split('.')[2]) || 0;
  const found = fs.existsSync(versions) ? fs.readdirSync(versions).filter((v) => /^\d+\.\d+\.\d+$/.test(v) && v.startsWith(`${label}.`)).sort((a, b) => patch(a) - patch(b)) : [];
  const candidate = found.length ? path.join(versions, found[found.length - 1], 'bin', 'python') : undefined;
  return { label, path: process.env[envName(label)] ?? (candidate && fs.existsSync(candidate) ? candidate : undefined) };
}

const envName = (label: string) => `PROCLENS_TEST_PYTHON${label.replace('.', '')}`;

/**
 * The Pythons the engine is tested on: 3.8 and 3.13 (oldest and newest
 * supported), from PROCLENS_TEST_PYTHON38 / PROCLENS_TEST_PYTHON313 or a pyenv
 * install. A missing one is skipped with a message, never silently.
 */
export function testInterpreters(): Interpreter[] {
  return ['3.8', '3.13'].map(findInterpreter);
}

/** Every Python of LESSON_VERSIONS, found as testInterpreters() finds its two; a missing one is skipped with a message. */
export function lessonInterpreters(): Interpreter[] {
  return LESSON_VERSIONS.map(findInterpreter);
}

export const skipUnless = (python: Interpreter) =>
  python.path ? false : `Python ${python.label} is not installed: set ${envName(python.label)}, or install ${python.label}.x with pyenv`;

export interface Outcome {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface TracedOutcome extends Outcome {
  /** Every JSON line the CLI wrote, the summary last. */
  readonly lines: Array<Record<string, any>>;
  readonly summary: { run: Record<string, any>; processes: Array<Record<string, any>>; tracer: Record<string, number> };
}

export function run(command: string, args: readonly string[], options: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd ?? REPO, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out: ${command} ${args.join(' ')}\n${stderr}`));
    }, options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

let jsonCounter = 0;

/** A path in a new folder of its own under the OS temp folder; the caller removes the folder (removeScratch). */
export function scratchFile(name: string): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'proclens-test-'));
  return path.join(folder, `${jsonCounter++}-${name}`);
}

/** Removes the folder scratchFile made for `file`, with all in it: `npm test` fails on anything left in the temp folder. */
export function removeScratch(file: string): void {
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
}

/** The whole lines of a JSON-lines file; a last line still being written (no newline yet) is left for the next read. */
export function readJsonLines(file: string): Array<Record<string, any>> {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  return lines
    .slice(0, -1)
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

/**
 * Runs `proclens run --json=… -- command` and reads back what it wrote. `cli` is another copy
 * of dist/cli.js, for a test that must not let the tracer write inside the repository.
 */
export async function runTraced(command: readonly string[], options: Parameters<typeof run>[2] & { cliArgs?: string[]; cli?: string } = {}): Promise<TracedOutcome> {
  const jsonFile = scratchFile('run.jsonl');
  try {
    const outcome = await run(process.execPath, [options.cli ?? CLI, 'run', `--json=${jsonFile}`, '--interval=100', ...(options.cliArgs ?? []), '--', ...command], options);
    const lines = readJsonLines(jsonFile);
    const summary = lines[lines.length - 1] as TracedOutcome['summary'] & { type: string };
    if (summary?.type !== 'summary') {
      throw new Error(`no summary line; stderr:\n${outcome.stderr}`);
    }
    return { ...outcome, lines, summary };
  } finally {
    removeScratch(jsonFile);
  }
}

/** Writes a traced run's stdout and JSON lines to a new file under the OS temp folder, for a failure to point at. */
export function keepEvidence(what: string, traced: TracedOutcome): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'proclens-failed-')), `${what.replace(/[^\w.-]+/g, '_')}.jsonl`);
  const lines = [{ type: 'stdout', text: traced.stdout }, { type: 'stderr', text: traced.stderr }, ...traced.lines];
  fs.writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return file;
}

/** The processes of a summary by name (names are unique in these programs). */
export function byName(summary: TracedOutcome['summary']): Map<string, Record<string, any>> {
  return new Map(summary.processes.map((p) => [p.name, p]));
}

export const children = (summary: TracedOutcome['summary']) =>
  summary.processes.filter((p) => p.kind === 'mp-child' && p.parentPid === summary.run.topPid);

/** Pids of processes still alive: to prove nothing was left behind. */
export function alivePids(pids: readonly number[]): number[] {
  return pids.filter((pid) => {
    try {
      const state = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
      return state !== 'Z';
    } catch {
      return false;
    }
  });
}

/**
 * A copy of the CLI bundle with the tracer beside it, laid out as dist/ and tracer/ are in the
 * repository (the bundle finds the tracer at ../tracer), in a scratch folder. Whatever Python
 * then writes beside the tracer (its __pycache__) lands there, not in the repository.
 */
export function scratchCliCopy(): { cli: string; tracer: string; folder: string } {
  const folder = path.dirname(scratchFile('cli'));
  const cli = path.join(folder, 'dist', 'cli.js');
  const tracer = path.join(folder, 'tracer');
  fs.mkdirSync(path.dirname(cli));
  fs.copyFileSync(CLI, cli);
  fs.mkdirSync(tracer);
  for (const file of fs.readdirSync(path.join(REPO, 'tracer')).filter((f) => f.endsWith('.py'))) {
    fs.copyFileSync(path.join(REPO, 'tracer', file), path.join(tracer, file));
  }
  return { cli, tracer, folder };
}

/** Polls `probe` every 50 ms until it returns something truthy; fails naming `what` after the time limit. */
export async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
