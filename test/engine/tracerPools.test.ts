import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { FIXTURES, run, skipUnless, START_METHODS, testInterpreters } from './engineHelpers';
import { recordTracerLines } from './tracerLines';

// What the tracer says about pools: each pool once, from the process that creates it, before
// the start of its first worker; each worker's start naming its pool; the items the program
// hands each pool (submit); and from each worker one line per task it starts, and one when it
// is about to wait for work or to return (idle), with its counts of items done and failed.
// Real programs under the real tracer, their lines as sent.

type Line = Record<string, any>;

const POOL_TASKS = path.join(FIXTURES, 'pool_tasks.py');

const parse = (lines: readonly string[]): Line[] => lines.map((line) => JSON.parse(line));
const squares = (count: number) => `[${Array.from({ length: count }, (_, i) => i * i).join(', ')}]`;

/** A task as its line names it: the user's function, its first call's arguments, how many calls. */
type Task = [fn: string, args: string, items: number];

/** What a task's end said (on the worker's next line): items done, and its error if it raised. */
interface Outcome {
  readonly done: number;
  readonly error: string | null;
}

interface ExpectedPool {
  readonly kind: 'Pool' | 'ProcessPoolExecutor';
  readonly size: number;
  readonly maxtasks: number | null;
  /** How many worker processes it starts: exactly, or at least [min] and at most [max]. */
  readonly workers: number | [number, number];
  readonly submitted: number;
  /** Items done (those that raised included), and those that raised. */
  readonly ran: number;
  readonly failed: number;
  readonly tasks: readonly Task[];
  /** The tasks that raised (or whose result could not be sent), by "fn(args)"; every other task ends done and ok. */
  readonly raised?: Record<string, Outcome>;
  /** The task whose worker kills itself in it: that worker's last line. */
  readonly killedIn?: string;
  /** The most items any one worker may run (maxtasksperchild with chunksize 1). */
  readonly perWorker?: number;
}

interface Scenario {
  /** What the program prints; 'as plain' for the same output as a run without the tracer. */
  readonly stdout: string | 'as plain';
  readonly pools: readonly ExpectedPool[];
}

const range = (count: number, items = 1, fn = 'square'): Task[] => Array.from({ length: count }, (_, i) => [fn, String(i), items]);

const SCENARIOS: Record<string, Scenario> = {
  map: {
    stdout: `${squares(6)}\n`,
    pools: [{ kind: 'Pool', size: 3, maxtasks: null, workers: 3, submitted: 6, ran: 6, failed: 0, tasks: range(6) }],
  },
  'map-with': {
    stdout: `${squares(6)}\n`,
    pools: [{ kind: 'Pool', size: 3, maxtasks: null, workers: 3, submitted: 6, ran: 6, failed: 0, tasks: range(6) }],
  },
  'close-early': {
    stdout: `${squares(3)}\n`,
    pools: [{ kind: 'Pool', size: 1, maxtasks: null, workers: 1, submitted: 3, ran: 3, failed: 0, tasks: range(3, 1, 'slow_square') }],
  },
  imap: {
    stdout: `${squares(23)}\n`,
    pools: [
      {
        kind: 'Pool',
        size: 2,
        maxtasks: null,
        workers: 2,
        submitted: 23,
        ran: 23,
        failed: 0,
        tasks: [
          ['square', '0', 5],
          ['square', '5', 5],
          ['square', '10', 5],
          ['square', '15', 5],
          ['square', '20', 3],
        ],
      },
    ],
  },
  executor: {
    stdout: `${squares(7)}\n[10, 11, 12, 13, 14]\n`,
    pools: [
      {
        kind: 'ProcessPoolExecutor',
        size: 2,
        maxtasks: null,
        // 3.9+ starts a worker only when none is idle (but all at once under fork).
        workers: [1, 2],
        submitted: 12,
        ran: 12,
        failed: 0,
        tasks: [
          ['square', '0', 3],
          ['square', '3', 3],
          ['square', '6', 1],
          ...Array.from({ length: 5 }, (_, i): Task => ['add', `${i}, b=10`, 1]),
        ],
      },
    ],
  },
  raise: {
    stdout: 'as plain',
    pools: [
      {
        kind: 'Pool',
        size: 2,
        maxtasks: null,
        workers: 2,
        submitted: 12,
        // fails(7); check over 0..9 in chunks of 5, the second stopping at 7 (5, 6, 7 done); unpicklable().
        ran: 10,
        failed: 3,
        tasks: [
          ['fails', '7', 1],
          ['check', '0', 5],
          ['check', '5', 5],
          ['unpicklable', '', 1],
        ],
        raised: {
          'fails(7)': { done: 1, error: 'ValueError' },
          'check(5)': { done: 3, error: 'ValueError' },
          'unpicklable()': { done: 1, error: 'MaybeEncodingError' },
        },
      },
    ],
  },
  'raise-executor': {
    stdout: 'as plain',
    pools: [
      {
        kind: 'ProcessPoolExecutor',
        size: 2,
        maxtasks: null,
        workers: [1, 2],
        submitted: 12,
        ran: 10,
        failed: 3,
        tasks: [
          ['fails', '7', 1],
          ['unpicklable', '', 1],
          ['check', '0', 5],
          ['check', '5', 5],
        ],
        raised: {
          'fails(7)': { done: 1, error: 'ValueError' },
          // The executor passes the pickling error itself on.
          'unpicklable()': { done: 1, error: 'TypeError' },
          'check(5)': { done: 3, error: 'ValueError' },
        },
      },
    ],
  },
  kill: {
    stdout: `${squares(4)}\ntimed out\n`,
    pools: [
      // The dead worker is replaced; its task is lost.
      { kind: 'Pool', size: 2, maxtasks: null, workers: 3, submitted: 5, ran: 4, failed: 0, tasks: [...range(4), ['suicide', '', 1]], killedIn: 'suicide()' },
    ],
  },
  'kill-executor': {
    stdout: `${squares(4)}\nbroken\n`,
    pools: [
      { kind: 'ProcessPoolExecutor', size: 2, maxtasks: null, workers: [1, 2], submitted: 5, ran: 4, failed: 0, tasks: [...range(4), ['suicide', '', 1]], killedIn: 'suicide()' },
    ],
  },
  maxtasks: {
    stdout: `${squares(8)}\n`,
    pools: [
      // Each worker runs at most 2 tasks and returns (one may get the sentinel first); each is replaced while the map runs.
      { kind: 'Pool', size: 2, maxtasks: 2, workers: [4, 8], submitted: 8, ran: 8, failed: 0, tasks: range(8), perWorker: 2 },
    ],
  },
};

const taskName = (line: Line) => `${line.fn}(${line.args})`;
const sortTasks = (tasks: readonly Task[]) => [...tasks].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

/**
 * One worker's task and idle lines, in order: each line says the counts up to the task that
 * ended before it (its done grows by that task's items unless it raised, then by 1 to its
 * items), a task line says that task's end and error unless an idle line said them already.
 * Returns each task line's outcome, as the next line tells it (none for a worker's last task
 * when no line followed it).
 */
function checkWorker(pid: number, lines: readonly Line[]): Map<Line, Outcome> {
  const outcomes = new Map<Line, Outcome>();
  let previous: Line | undefined;
  for (const line of lines) {
    const where = `worker ${pid}: ${JSON.stringify(line)} after ${JSON.stringify(previous)}`;
    assert.ok(line.t >= (previous?.t ?? 0) - 1e-6, `in time order: ${where}`);
    if (line.e === 'idle') {
      assert.equal(previous?.e, 'task', `an idle line only closes a task: ${where}`);
    } else if (previous === undefined) {
      assert.deepEqual([line.done, line.failed, line.ended, line.error], [0, 0, null, null], `a worker's first task: ${where}`);
    } else if (previous.e === 'idle') {
      assert.deepEqual([line.done, line.failed, line.ended, line.error], [previous.done, previous.failed, null, null], `after idle, the counts stay and no end is said: ${where}`);
    } else {
      assert.ok(typeof line.ended === 'number' && line.ended >= previous.t && line.ended <= line.t, `the previous task's end, between the two starts: ${where}`);
    }
    if (previous?.e === 'task') {
      const done = line.done - previous.done;
      const failed = line.failed - previous.failed;
      if (failed === 0) {
        assert.deepEqual([done, line.error], [previous.items, null], `a task that did not raise: all its items done: ${where}`);
      } else {
        assert.ok(failed === 1 && done >= 1 && done <= previous.items && typeof line.error === 'string', `a task that raised: ${where}`);
      }
      outcomes.set(previous, { done, error: line.error });
    }
    previous = line;
  }
  return outcomes;
}

/** Everything the lines say about the program's pools, checked against what the scenario makes them do. */
function checkPools(lines: readonly Line[], expected: readonly ExpectedPool[]): void {
  const main = lines[0];
  assert.equal(main.e, 'hello');
  const pools = lines.filter((l) => l.e === 'pool');
  assert.deepEqual(
    pools.map((l) => ({ pid: l.pid, pool: l.pool, kind: l.kind, size: l.size, maxtasks: l.maxtasks })),
    expected.map((p, i) => ({ pid: main.pid, pool: `${main.pid}-${i + 1}`, kind: p.kind, size: p.size, maxtasks: p.maxtasks })),
    'one pool line per pool, from the process that creates it, numbered in order',
  );
  const starts = lines.filter((l) => l.e === 'start');
  for (const start of starts) {
    assert.ok(pools.some((p) => p.pool === start.pool), `every start here is a pool's worker's, and names its pool: ${JSON.stringify(start)}`);
  }
  const ownLines = lines.filter((l) => l.pid === main.pid);
  const known = new Set<number>();
  for (const [index, want] of expected.entries()) {
    const pool = pools[index];
    const id = pool.pool;
    const mine = starts.filter((s) => s.pool === id);
    const at = ownLines.indexOf(pool);
    assert.deepEqual(ownLines[at + 1], mine[0], `${id}: said just before the start of its first worker`);
    assert.equal(pool.t, mine[0].t, `${id}: stamped as that start`);
    assert.ok(mine.every((s) => s.pid === main.pid && lines.indexOf(s) > lines.indexOf(pool)), `${id}: every start after the pool line, by its creator`);
    const [least, most] = typeof want.workers === 'number' ? [want.workers, want.workers] : want.workers;
    assert.ok(mine.length >= least && mine.length <= most, `${id}: ${mine.length} workers started, expected ${least} to ${most}`);

    const submits = lines.filter((l) => l.e === 'submit' && l.pool === id);
    assert.ok(submits.every((s) => s.pid === main.pid && Number.isInteger(s.items) && s.items >= 1), `${id}: submits from the creator, each ≥ 1`);
    assert.equal(
      submits.reduce((sum, s) => sum + s.items, 0),
      want.submitted,
      `${id}: the submit lines add up to the items handed to the pool: ${JSON.stringify(submits.map((s) => s.items))}`,
    );

    const tasks: Line[] = [];
    const outcomes = new Map<Line, Outcome>();
    let ran = 0;
    let failed = 0;
    for (const start of mine) {
      known.add(start.child);
      const own = lines.filter((l) => l.pid === start.child && (l.e === 'task' || l.e === 'idle'));
      checkWorker(start.child, own).forEach((outcome, task) => outcomes.set(task, outcome));
      tasks.push(...own.filter((l) => l.e === 'task'));
      const last = own[own.length - 1];
      ran += last?.done ?? 0;
      failed += last?.failed ?? 0;
      if (!(want.killedIn && last && taskName(last) === want.killedIn)) {
        // A worker that lived on said its last task's end (idle) before it waited or returned.
        assert.ok(last === undefined || last.e === 'idle', `worker ${start.child} ended its lines with idle: ${JSON.stringify(last)}`);
      }
      if (want.perWorker !== undefined) {
        assert.ok((last?.done ?? 0) <= want.perWorker, `worker ${start.child} ran at most ${want.perWorker}: ${last?.done}`);
      }
    }
    assert.deepEqual(
      sortTasks(tasks.map((t) => [t.fn, t.args, t.items])),
      sortTasks(want.tasks),
      `${id}: one task line per task, naming the user's function, its first arguments and its items`,
    );
    for (const task of tasks) {
      assert.ok(typeof task.t === 'number' && task.t >= pool.t, `${id}: a task starts after its pool: ${JSON.stringify(task)}`);
    }
    if (want.killedIn) {
      const killed = tasks.find((t) => taskName(t) === want.killedIn)!;
      const last = lines.filter((l) => l.pid === killed.pid).pop();
      assert.equal(last, killed, `the worker killed in ${want.killedIn}: its last line is that task's`);
    }
    // Every task that ended says how: raised as expected, else all its items done.
    for (const [task, outcome] of outcomes) {
      const raised = want.raised?.[taskName(task)];
      assert.deepEqual(outcome, raised ?? { done: task.items, error: null }, `${id}: how ${taskName(task)} ended`);
    }
    for (const name of Object.keys(want.raised ?? {})) {
      assert.ok([...outcomes.keys()].some((t) => taskName(t) === name), `${id}: ${name}'s end was said`);
    }
    assert.deepEqual([ran, failed], [want.ran, want.failed], `${id}: the workers' last counts add up to the items run and those that raised`);
  }
  const strays = lines.filter((l) => (l.e === 'task' || l.e === 'idle') && !known.has(l.pid));
  assert.deepEqual(strays, [], 'task and idle lines only from the pools’ workers');
}

for (const interpreter of testInterpreters()) {
  const python = interpreter.path ?? 'python3';
  const skip = skipUnless(interpreter);
  const label = interpreter.label;

  describe(`pools, their workers and their tasks, under Python ${label}`, { concurrency: 3, skip: process.platform === 'win32' && 'needs POSIX: a Unix socket; the fork and forkserver start methods' }, () => {
    for (const method of START_METHODS) {
      for (const [name, scenario] of Object.entries(SCENARIOS)) {
        test(`${name} (${method}, ${label})`, { skip, timeout: 60_000 }, async () => {
          const command = [POOL_TASKS, method, name];
          const [traced, plain] = await Promise.all([
            recordTracerLines([python, ...command], { timeoutMs: 50_000 }),
            scenario.stdout === 'as plain' ? run(python, command, { timeoutMs: 50_000 }) : undefined,
          ]);
          assert.equal(traced.code, 0, traced.stderr);
          if (plain) {
            assert.equal(plain.code, 0, plain.stderr);
            assert.match(plain.stdout, /RemoteTraceback/, 'the plain run printed remote tracebacks');
            assert.equal(traced.stdout, plain.stdout, 'the same output, remote tracebacks included, as without the tracer');
            assert.equal(traced.stderr, plain.stderr);
          } else {
            assert.equal(traced.stdout, scenario.stdout);
            assert.equal(traced.stderr, '');
          }
          checkPools(parse(traced.lines), scenario.pools);
        });
      }
    }
  });
}
