import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { FIXTURES, removeScratch, run, scratchFile, skipUnless, START_METHODS, testInterpreters, until } from './engineHelpers';
import { LiveRecording, recordTracerLines } from './tracerLines';

// What the tracer says about threads, about what a thread is blocked on, and the stack dumps
// it lets the core ask for: real programs under the real tracer, their lines as sent.

type Line = Record<string, any>;

const fixture = (name: string) => path.join(FIXTURES, name);
const WAITS = fixture('waits.py');
const THREADS = fixture('threads_named.py');
const STACK_DUMP = fixture('stack_dump.py');
const OWN_HANDLER = fixture('own_handler.py');
const OUTCOMES = fixture('wait_outcomes.py');
const FORK_EXEC = fixture('fork_exec.py');
const HANDSHAKE = fixture('handshake_in_start.py');

const parse = (lines: readonly string[]): Line[] => lines.map((line) => JSON.parse(line));
const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The line numbers of a fixture's lines that end with `# wait: NAME` (or `# no wait: NAME`), by name. */
function marked(file: string, mark: 'wait' | 'no wait'): Map<string, number> {
  const found = new Map<string, number>();
  const pattern = new RegExp(`# ${mark}: ([\\w-]+)$`);
  fs.readFileSync(file, 'utf8')
    .split('\n')
    .forEach((text, index) => {
      const match = pattern.exec(text);
      if (match) {
        found.set(match[1], index + 1);
      }
    });
  return found;
}

/** The line of a fixture that contains `text` (once). */
function lineOf(file: string, text: string): number {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const index = lines.findIndex((line) => line.includes(text));
  assert.ok(index >= 0 && lines.slice(index + 1).every((line) => !line.includes(text)), `"${text}" is on one line of ${file}`);
  return index + 1;
}

interface Expected {
  readonly kind: string;
  readonly call: string;
  readonly on?: string | null;
  readonly timeout?: number | null;
}

const MP_WAITS: Record<string, Expected> = {
  'mp-queue-get': { kind: 'queue-get', call: 'Queue.get' },
  'mp-queue-get-timeout': { kind: 'queue-get', call: 'Queue.get', timeout: 20 },
  'mp-simple-get': { kind: 'queue-get', call: 'SimpleQueue.get' },
  'mp-queue-put': { kind: 'queue-put', call: 'Queue.put' },
  'mp-joinable-join': { kind: 'queue-join', call: 'JoinableQueue.join' },
  'mp-lock': { kind: 'lock', call: 'Lock.acquire' },
  'mp-lock-with': { kind: 'lock', call: 'Lock.acquire' },
  'mp-rlock': { kind: 'lock', call: 'RLock.acquire', timeout: 20 },
  'mp-semaphore': { kind: 'semaphore', call: 'Semaphore.acquire' },
  'mp-event': { kind: 'event', call: 'Event.wait' },
  'mp-condition': { kind: 'condition', call: 'Condition.wait', timeout: 20 },
  'mp-barrier': { kind: 'barrier', call: 'Barrier.wait', on: '1 of 2 arrived' },
  'mp-recv': { kind: 'recv', call: 'Connection.recv' },
  'mp-recv-bytes': { kind: 'recv', call: 'Connection.recv_bytes' },
  'pool-map': { kind: 'pool', call: 'Pool.map', on: '4 results' },
  'pool-apply': { kind: 'pool', call: 'Pool.apply' },
  'pool-async-get': { kind: 'pool', call: 'AsyncResult.get', on: '2 chunks of 2' },
};

const THREAD_WAITS: Record<string, Expected> = {
  'queue-get': { kind: 'queue-get', call: 'Queue.get' },
  'queue-put': { kind: 'queue-put', call: 'Queue.put' },
  'queue-join': { kind: 'queue-join', call: 'Queue.join' },
  semaphore: { kind: 'semaphore', call: 'Semaphore.acquire' },
  'semaphore-with': { kind: 'semaphore', call: 'Semaphore.acquire' },
  'bounded-semaphore': { kind: 'semaphore', call: 'BoundedSemaphore.acquire', timeout: 20 },
  event: { kind: 'event', call: 'Event.wait' },
  condition: { kind: 'condition', call: 'Condition.wait', timeout: 20 },
  barrier: { kind: 'barrier', call: 'Barrier.wait', on: '1 of 2 arrived' },
  'thread-join': { kind: 'thread-join', call: 'Thread.join', on: 'napper' },
};

/** The woke that ends `wait`: the next line of the same thread of the same process. */
function wokeAfter(lines: Line[], wait: Line): Line | undefined {
  return lines.slice(lines.indexOf(wait) + 1).find((l) => l.pid === wait.pid && l.tid === wait.tid && (l.e === 'woke' || l.e === 'wait'));
}

/** Each thread's waits and wokes alternate, a wait first, and none is left open. */
function pairedWaits(lines: Line[]): void {
  const open = new Map<string, Line>();
  for (const line of lines.filter((l) => l.e === 'wait' || l.e === 'woke')) {
    const thread = `${line.pid}/${line.tid}`;
    if (line.e === 'wait') {
      assert.ok(!open.has(thread), `a wait inside a wait: ${JSON.stringify(open.get(thread))} then ${JSON.stringify(line)}`);
      open.set(thread, line);
    } else {
      assert.ok(open.delete(thread), `a woke with no wait: ${JSON.stringify(line)}`);
    }
  }
  assert.deepEqual([...open.values()], [], 'every wait is followed by its woke');
}

/** The one wait of `pid` reported at `line` of `file`, as expected, that really blocked, and its woke. */
function waitedAt(lines: Line[], pid: number, file: string, line: number, name: string, want: Expected): Line {
  const found = lines.filter((l) => l.e === 'wait' && l.pid === pid && l.site?.file === file && l.site?.line === line);
  assert.equal(found.length, 1, `one wait for ${name} at line ${line}: ${JSON.stringify(found)}`);
  const wait = found[0];
  assert.deepEqual(
    { kind: wait.kind, call: wait.call, on: wait.on, timeout: wait.timeout },
    { kind: want.kind, call: want.call, on: want.on ?? null, timeout: want.timeout ?? null },
    name,
  );
  const woke = wokeAfter(lines, wait);
  assert.equal(woke?.e, 'woke', `${name}: its woke comes next for that thread`);
  // Released about 0.3 s after it began: it really blocked, and the woke came when it ended.
  assert.ok(woke!.t - wait.t >= 0.15, `${name} blocked for ${woke!.t - wait.t} s`);
  return wait;
}

/** No wait at all was reported from the lines marked `# no wait`. */
function noWaitAt(lines: Line[], file: string): void {
  for (const [name, line] of marked(file, 'no wait')) {
    const found = lines.filter((l) => l.e === 'wait' && l.site?.file === file && l.site?.line === line);
    assert.deepEqual(found, [], `${name} (line ${line}) did not block and said nothing`);
  }
}

/** After a test that failed half-way: ends the recorded program's processes if they still run (none is left behind), and waits for the recording. */
async function settle(running: Promise<unknown>, live: LiveRecording): Promise<void> {
  let ended = false;
  running.then(
    () => (ended = true),
    () => (ended = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  if (!ended) {
    for (const pid of new Set(parse(live.lines).flatMap((l) => [l.pid, l.child].filter(Number.isInteger)))) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
  await running.catch(() => undefined);
}

/** Removes the scratch folder of `release` once the program that waits for it has ended (run's time limit at most). */
async function removeOnceEnded(release: string, running: Promise<unknown>): Promise<void> {
  await running.catch(() => undefined);
  removeScratch(release);
}

/** The OS's number for a thread (3.8 and later), or null as the tracer says it under 3.6 and 3.7. */
const nativeOr = (hello: Line, id: number): number | null => (/^3\.[67]\./.test(hello.py) ? null : id);

const helloOf = (lines: Line[], pid: number): Line => {
  const hello = lines.find((l) => l.e === 'hello' && l.pid === pid);
  assert.ok(hello, `a hello from ${pid}`);
  return hello;
};

for (const interpreter of testInterpreters()) {
  const python = interpreter.path ?? 'python3';
  const skip = skipUnless(interpreter);
  const label = interpreter.label;
  const posixOnly = process.platform === 'win32' && 'needs POSIX: a Unix socket; the fork and forkserver start methods';

  describe(`what threads wait for, under Python ${label}`, { concurrency: 3, skip: posixOnly }, () => {
    for (const method of START_METHODS) {
      test(`each multiprocessing call that blocks says wait with its kind, call and line, then woke; those that do not, nothing (${method}, ${label})`, { skip, timeout: 90_000 }, async () => {
        const { code, stdout, stderr, lines: raw } = await recordTracerLines([python, WAITS, 'mp', method], { timeoutMs: 80_000 });
        assert.equal(code, 0, stderr);
        assert.match(stdout, /^feeder 1000000$/m);
        const lines = parse(raw);
        const main = lines[0].pid;
        const mainThread = helloOf(lines, main).tid;
        const waits = marked(WAITS, 'wait');
        for (const [name, want] of Object.entries(MP_WAITS)) {
          const wait = waitedAt(lines, main, WAITS, waits.get(name)!, name, want);
          assert.equal(wait.tid, mainThread, `${name}: the main thread waited`);
        }
        noWaitAt(lines, WAITS);
        pairedWaits(lines);
        // A pool's handler threads and a queue's feeder wait all the time, for nothing of the program's.
        const library = new Set(lines.filter((l) => l.e === 'thread' && /^(Pool\._handle_|Queue\._feed$)/.test(l.target?.name)).map((l) => `${l.pid}/${l.tid}`));
        assert.ok(library.size >= 4, `the pool's and the queues' threads ran: ${library.size}`);
        assert.deepEqual(lines.filter((l) => l.e === 'wait' && library.has(`${l.pid}/${l.tid}`)), [], "no wait of multiprocessing's own threads");

        // The child that put 1 MB on a queue waits at its exit until the parent reads it.
        const feeders = lines.filter((l) => l.e === 'wait' && l.kind === 'queue-feeder');
        assert.equal(feeders.length, 1, JSON.stringify(feeders));
        const [feeder] = feeders;
        assert.notEqual(feeder.pid, main);
        assert.deepEqual(
          { call: feeder.call, on: feeder.on, site: feeder.site, timeout: feeder.timeout },
          { call: 'Queue._finalize_join', on: 'Queue feeder still writing 1.0 MB', site: null, timeout: null },
        );
        assert.ok(feeder.bytes >= 1_000_000 && feeder.bytes < 1_001_000, `the pickled megabyte: ${feeder.bytes}`);
        assert.equal(feeder.tid, helloOf(lines, feeder.pid).tid, 'the child main thread waits, at its exit');
        assert.equal(wokeAfter(lines, feeder)?.e, 'woke');
      });
    }

    test(`each threading and queue call that blocks says wait, then woke; the main thread's wait at exit names the thread it waits for (${label})`, { skip, timeout: 60_000 }, async () => {
      const { code, stderr, lines: raw } = await recordTracerLines([python, WAITS, 'threads']);
      assert.equal(code, 0, stderr);
      const lines = parse(raw);
      const main = lines[0].pid;
      const mainThread = helloOf(lines, main).tid;
      const waits = marked(WAITS, 'wait');
      for (const [name, want] of Object.entries(THREAD_WAITS)) {
        const wait = waitedAt(lines, main, WAITS, waits.get(name)!, name, want);
        assert.equal(wait.tid, mainThread, `${name}: the main thread waited`);
      }
      noWaitAt(lines, WAITS);
      pairedWaits(lines);
      const last = lines.filter((l) => l.e === 'wait').pop()!;
      assert.deepEqual(
        { pid: last.pid, tid: last.tid, kind: last.kind, call: last.call, on: last.on, site: last.site, timeout: last.timeout },
        { pid: main, tid: mainThread, kind: 'thread-join', call: 'interpreter exit', on: 'last-one', site: null, timeout: null },
      );
      const collector = lines.find((l) => l.e === 'thread' && l.name === 'collector')!;
      const collected = lines.filter((l) => l.e === 'wait' && l.tid === collector.tid);
      assert.deepEqual(
        collected.map((l) => [l.kind, l.call, l.site]),
        [['event', 'Event.wait', null]],
        'a thread the program started reports its wait even with no line of the program under it',
      );
      assert.equal(wokeAfter(lines, collected[0])?.e, 'woke');
      const end = lines.find((l) => l.e === 'thread-end' && l.name === 'last-one');
      assert.ok(end && lines.indexOf(end) < lines.indexOf(wokeAfter(lines, last)!), 'the main thread woke when last-one had ended');
    });

    test(`a wait inside Process.start() is multiprocessing's own, as Python 3.14's fork server handshake is: no wait reported, the child started (${label})`, { skip }, async () => {
      const { code, stderr, lines: raw } = await recordTracerLines([python, HANDSHAKE]);
      assert.equal(code, 0, stderr);
      const lines = parse(raw);
      assert.deepEqual(lines.filter((l) => l.e === 'wait'), [], 'start() waited 0.3 s in Connection.recv_bytes: not the program\'s wait');
      const start = lines.find((l) => l.e === 'start')!;
      assert.deepEqual([start.name, start.method, start.site?.line], ['after-handshake', 'forkserver', lineOf(HANDSHAKE, 'p.start()  # start')]);
      assert.ok(lines.some((l) => l.e === 'exit' && l.pid === start.child && l.code === 0), 'the child ran and exited 0');
    });

    for (const method of START_METHODS) {
      test(`threads named, daemon or not, with their targets, in the parent and in a child, each one's start and end (${method}, ${label})`, { skip }, async () => {
        const { code, stdout, stderr, lines: raw } = await recordTracerLines([python, THREADS, method]);
        assert.equal(code, 0, stderr);
        assert.equal(stdout, 'main-done\nchild-done\nchild exit 0\n');
        const lines = parse(raw);
        const start = lines.find((l) => l.e === 'start')!;
        const work = { name: 'work', file: THREADS, line: lineOf(THREADS, 'def work(') };
        const napper = { name: 'Napper', file: THREADS, line: lineOf(THREADS, 'def run(') };
        for (const [pid, prefix] of [
          [start.pid, 'main-'],
          [start.child, 'child-'],
        ] as const) {
          const hello = helloOf(lines, pid);
          assert.deepEqual([hello.thread, hello.native, typeof hello.tid], ['MainThread', nativeOr(hello, pid), 'number'], 'hello: the thread the process began with');
          const threads = lines.filter((l) => l.e === 'thread' && l.pid === pid);
          assert.deepEqual(
            threads.map((t) => [t.name, t.daemon, t.target]),
            [
              [`${prefix}daemon`, true, work],
              [`${prefix}plain`, false, work],
              [`${prefix}napper`, false, napper],
            ],
          );
          for (const thread of threads) {
            const own = nativeOr(hello, 0) === null ? thread.native === null : Number.isInteger(thread.native) && thread.native !== pid;
            assert.ok(own && thread.tid !== hello.tid, `a thread of its own: ${JSON.stringify(thread)}`);
            // Its end is the first with its ident after its start: once a thread has ended, the
            // next one may get the same ident (on a busy machine the daemon is done before the napper starts).
            const end = lines.slice(lines.indexOf(thread) + 1).find((l) => l.e === 'thread-end' && l.pid === pid && l.tid === thread.tid);
            assert.equal(end?.name, thread.name, `${thread.name} ended`);
            assert.equal(lines.filter((l) => l.e === 'thread-end' && l.pid === pid && l.name === thread.name).length, 1, `${thread.name} ended once`);
          }
        }
        if (method === 'fork') {
          assert.equal(helloOf(lines, start.child).tid, helloOf(lines, start.pid).tid, 'a forked child began in the thread that forked');
        }
      });
    }
  });

  describe(`stack dumps on the tracer's signal, under Python ${label}`, { concurrency: 3, skip: process.platform !== 'linux' && 'needs Linux: the tracer dumps stacks on a real-time signal' }, () => {
    for (const method of START_METHODS) {
      test(`a child blocked in Queue.get() writes its threads' stacks when signalled, then ends as it would have (${method}, ${label})`, { skip, timeout: 60_000 }, async (t) => {
        const release = scratchFile('release');
        const live: LiveRecording = { lines: [] };
        const blockedAt = lineOf(STACK_DUMP, '# the child blocks here');
        const running = recordTracerLines([python, STACK_DUMP, method, release], { live });
        t.after(() => removeOnceEnded(release, running));
        try {
          const wait = await until('the child to block in Queue.get()', () => parse(live.lines).find((l) => l.e === 'wait' && l.site?.line === blockedAt));
          const hello = helloOf(parse(live.lines), wait.pid);
          assert.ok(Number.isInteger(hello.stk) && hello.stk > 0, `hello names the signal: ${JSON.stringify(hello)}`);
          const file = path.join(live.stacks!, `${wait.pid}.stack`);
          process.kill(wait.pid, hello.stk);
          const where = `File "${STACK_DUMP}", line ${blockedAt}`;
          const dump = await until(`the dump in ${file}`, () => {
            const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
            return text.includes(where) && text;
          });
          // Both threads: the one the signal interrupted is "Current thread", the other "Thread".
          assert.match(dump, /^Thread 0x[0-9a-f]+ \(most recent call first\):$/m);
          assert.match(dump, /^Current thread 0x[0-9a-f]+ \(most recent call first\):$/m);
          const blocked = new RegExp(`thread 0x0*${wait.tid.toString(16)} \\(most recent call first\\):\\n(  File .*\\n)*?  ${escaped(where)}`, 'i');
          assert.match(dump, blocked, 'the waiting thread, by the tid of its wait, blocked at that line');
        } finally {
          fs.writeFileSync(release, '');
        }
        const { code, stdout, stderr } = await running;
        assert.equal(code, 0, stderr);
        assert.equal(stdout, 'child got go\nchild exit 0\n', 'the child survived and said what it says without the signal');
      });
    }

    test(`an os.fork() child says hello at once, named after the thread that forked, dumps to its own file, and gives the signal up before it execs (${label})`, { skip, timeout: 30_000 }, async (t) => {
      const release = scratchFile('release');
      const live: LiveRecording = { lines: [] };
      const waitsAt = lineOf(FORK_EXEC, '# the child waits here');
      const running = recordTracerLines([python, FORK_EXEC, release], { live });
      t.after(() => removeOnceEnded(release, running));
      try {
        const [parent, child] = await until('the child to say hello', () => {
          const lines = parse(live.lines);
          const fork = lines.find((l) => l.e === 'fork');
          const hello = fork && lines.find((l) => l.e === 'hello' && l.pid === fork.child);
          return hello && [lines[0], hello];
        });
        const forker = parse(live.lines).find((l) => l.e === 'thread' && l.name === 'forker')!;
        assert.deepEqual(
          { ppid: child.ppid, tid: child.tid, native: child.native, thread: child.thread, stk: child.stk },
          { ppid: parent.pid, tid: forker.tid, native: nativeOr(child, child.pid), thread: 'forker', stk: parent.stk },
        );
        process.kill(child.pid, child.stk);
        const file = path.join(live.stacks!, `${child.pid}.stack`);
        // Most often the signal finds the child asleep in its loop; on a busy machine it may still
        // be on its way there from the fork (the hello is sent from inside os.fork()).
        const inForker = new RegExp(`^  File "${escaped(FORK_EXEC)}", line (\\d+) in forker$`, 'm');
        const dump = await until('the dump', () => (fs.existsSync(file) && inForker.exec(fs.readFileSync(file, 'utf8'))) || undefined);
        assert.ok(Number(dump[1]) <= waitsAt, `a line of forker up to its loop: ${dump[0]}`);
        assert.equal(fs.readFileSync(path.join(live.stacks!, `${parent.pid}.stack`), 'utf8'), '', "nothing in the parent's file");
      } catch (error) {
        fs.writeFileSync(release, '');
        await settle(running, live);
        throw error;
      } finally {
        fs.writeFileSync(release, '');
      }
      const { code, stdout, stderr, lines } = await running;
      assert.equal(code, 0, stderr);
      assert.equal(stdout, 'child exit 5\n');
      const child = parse(lines).filter((l) => l.pid === parse(lines).find((f) => f.e === 'fork')!.child);
      assert.deepEqual(child.map((l) => [l.e, l.stk]), [['hello', child[0].stk], ['stacks', null]], 'before exec: stacks null, so that sh is never sent the signal');
    });

    test(`a program that sets its own handler for the signal: stacks null, and its handler runs (${label})`, { skip, timeout: 30_000 }, async () => {
      const folder = path.dirname(scratchFile('stacks'));
      const live: LiveRecording = { lines: [] };
      const running = recordTracerLines([python, OWN_HANDLER], { live, env: { PROCLENS_STACKS: folder } });
      let pid = 0;
      let stk = 0;
      try {
        const lines = await until('the program to take the signal', () => {
          const parsed = parse(live.lines);
          return parsed.some((l) => l.e === 'stacks') && parsed;
        });
        ({ pid, stk } = lines[0]);
        assert.deepEqual(
          lines.map((l) => [l.e, l.pid, l.stk]),
          [
            ['hello', pid, stk],
            ['stacks', pid, null],
          ],
        );
        assert.ok(Number.isInteger(stk));
        process.kill(pid, stk);
        const { code, stdout, stderr, lines: raw } = await running;
        assert.equal(code, 0, stderr);
        assert.equal(stdout, `took ${stk}\nhandled ${stk}\n`, "the program's own handler ran");
        assert.equal(fs.readFileSync(path.join(folder, `${pid}.stack`), 'utf8'), '', 'no dump');
        assert.deepEqual(parse(raw).filter((l) => l.e === 'thread'), [], 'a program that starts no thread: no thread message');
      } catch (error) {
        await settle(running, live);
        throw error;
      } finally {
        fs.rmSync(folder, { recursive: true, force: true });
      }
    });

    test(`a signal the program's parent ignores is never taken: the next free one is (${label})`, { skip, timeout: 30_000 }, async () => {
      // A traced Python sets SIGRTMAX - 1 to be ignored and execs the program, which inherits that.
      const ignoreThenExec = 'import os, signal, sys; signal.signal(signal.SIGRTMAX - 1, signal.SIG_IGN); os.execv(sys.executable, [sys.executable, sys.argv[1]])';
      const live: LiveRecording = { lines: [] };
      const running = recordTracerLines([python, '-c', ignoreThenExec, OWN_HANDLER], { live });
      try {
        const lines = await until('the program to take its signal', () => {
          const parsed = parse(live.lines);
          return parsed.filter((l) => l.e === 'stacks').length === 2 && parsed;
        });
        const [before, after] = lines.filter((l) => l.e === 'hello');
        assert.equal(after.pid, before.pid, 'the same process, after exec');
        assert.deepEqual(
          lines.map((l) => [l.e, l.stk]),
          [
            ['hello', before.stk],
            ['stacks', null],
            ['hello', before.stk - 1],
            ['stacks', null],
          ],
        );
        process.kill(after.pid, after.stk);
        const { code, stdout, stderr } = await running;
        assert.equal(code, 0, stderr);
        assert.equal(stdout, `took ${after.stk}\nhandled ${after.stk}\n`);
      } catch (error) {
        await settle(running, live);
        throw error;
      }
    });

    test(`without PROCLENS_STACKS: hello says stk null (${label})`, { skip }, async () => {
      const { code, stderr, lines } = await recordTracerLines([python, '-c', 'import signal; print(signal.getsignal(signal.SIGRTMAX - 1))'], { stacks: false });
      assert.equal(code, 0, stderr);
      assert.deepEqual(parse(lines).map((l) => [l.e, l.stk]), [['hello', null]]);
    });
  });

  describe(`a wrapped call returns and raises what it would without the tracer, under Python ${label}`, { concurrency: 3, skip: posixOnly }, () => {
    for (const method of START_METHODS) {
      test(`timeouts, Empty, Full, False, errors: the same output traced and not (${method}, ${label})`, { skip, timeout: 60_000 }, async () => {
        const plain = await run(python, [OUTCOMES, method]);
        const traced = await recordTracerLines([python, OUTCOMES, method]);
        assert.equal(plain.code, 0, plain.stderr);
        assert.equal(traced.code, 0, traced.stderr);
        assert.match(plain.stdout, /^map_async get timeout raises TimeoutError/m, 'the program ran to its end');
        assert.equal(traced.stdout, plain.stdout);
      });
    }
  });
}
