import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { ProcessRecord } from '../../src/core/model/processRecord';
import { summarizePool } from '../../src/core/model/pools';
import { LaunchedRun, ProcessTracker } from '../../src/core/tracking/processTracker';
import { alivePids, EXAMPLES, FIXTURES, REPO, testInterpreters, until, WITH_START_METHOD } from './engineHelpers';

/*
 * The tracer's loopback-TCP transport, Windows's (Python has no AF_UNIX there), forced on
 * Linux: the core listens on 127.0.0.1 only, each connection must open with the token, and
 * the lesson's programs come out of it with the whole model right, as over a Unix socket.
 */

const python = (testInterpreters().find((p) => p.label === '3.13' && p.path) ?? testInterpreters().find((p) => p.path))?.path ?? 'python3';
const tracerDirectory = path.join(REPO, 'tracer');

interface TcpRun {
  readonly tracker: ProcessTracker;
  readonly run: LaunchedRun;
  readonly records: ProcessRecord[];
  readonly stdout: string;
}

/** Runs `command` to its end with the tracers on TCP; the caller disposes of the tracker. */
async function runOverTcp(command: string[]): Promise<TcpRun> {
  const tracker = new ProcessTracker({ tracerDirectory, scanIntervalMs: 100, transport: 'tcp' });
  const run = await tracker.start({ command, stdio: 'pipe' });
  let stdout = '';
  run.program.on('stdout', (data) => (stdout += data));
  try {
    assert.equal(run.events.transport, 'tcp');
    assert.match(run.events.address, /^tcp:127\.0\.0\.1:\d+$/);
    await run.finished;
    tracker.model.flushNow(true);
    assert.equal(run.record.exitCode, 0);
    assert.deepEqual([run.events.stats.malformed, run.events.stats.oversized, run.events.stats.rejected], [0, 0, 0]);
    return { tracker, run, records: tracker.model.processesOf(run.id), stdout };
  } catch (error) {
    await tracker.dispose();
    throw error;
  }
}

/** The run's children by name: every record exited, one a pid, each Python one connected over TCP. */
function checkModel({ run, records }: TcpRun, method: string): Map<string, ProcessRecord> {
  const pids = records.map((r) => r.pid);
  assert.equal(new Set(pids).size, pids.length, `one record a process: ${records.map((r) => `${r.pid} ${r.name}`).join(', ')}`);
  assert.ok(records.every((r) => r.state === 'exited'), records.map((r) => `${r.name} ${r.state}`).join(', '));
  assert.deepEqual(alivePids(pids), []);
  const top = records.find((r) => r.kind === 'program')!;
  assert.deepEqual([top.name, top.traced, top.exitCode], ['MainProcess', true, 0]);
  const children = records.filter((r) => r.kind === 'mp-child');
  for (const child of children) {
    assert.deepEqual([child.traced, child.startMethod, child.parentPid], [true, method, top.pid], child.name);
  }
  assert.ok(run.events.stats.accepted >= 1);
  return new Map(children.map((c) => [c.name, c]));
}

describe(`the lesson's programs with the tracers on loopback TCP, under Python ${python}`, { concurrency: 2 }, () => {
  for (const method of ['fork', 'spawn']) {
    test(`s09_terminate_is_alive.py (${method}): egon exited −15 (SIGTERM), asked for by MainProcess`, async () => {
      const traced = await runOverTcp([python, WITH_START_METHOD, method, path.join(EXAMPLES, 's09_terminate_is_alive.py')]);
      try {
        const egon = checkModel(traced, method).get('egon')!;
        assert.deepEqual([egon.exitCode, egon.signal, egon.daemon], [-15, 'SIGTERM', false]);
        assert.deepEqual(egon.signalsRequested.map((s) => [s.signal, s.by]), [['SIGTERM', traced.run.program.pid]]);
        assert.match(traced.stdout, /exitcode -15/);
      } finally {
        await traced.tracker.dispose();
      }
    });

    test(`s06_start_four_processes.py (${method}): four children exited 0`, async () => {
      const traced = await runOverTcp([python, WITH_START_METHOD, method, path.join(EXAMPLES, 's06_start_four_processes.py')]);
      try {
        const children = checkModel(traced, method);
        assert.deepEqual(
          [...children.values()].map((c) => [c.name, c.exitCode, c.daemon]).sort(),
          ['Process-1', 'Process-2', 'Process-3', 'Process-4'].map((name) => [name, 0, false]),
        );
      } finally {
        await traced.tracker.dispose();
      }
    });

    test(`pool_map.py (${method}): a Pool of three daemon workers under MainProcess, 12/12 done, what each ran counted`, async () => {
      const traced = await runOverTcp([python, WITH_START_METHOD, method, path.join(EXAMPLES, 'pool_map.py')]);
      try {
        const workers = [...checkModel(traced, method).values()];
        const [pool] = traced.tracker.model.poolsOf(traced.run.id);
        const summary = summarizePool(pool, traced.records);
        assert.deepEqual([pool.kind, pool.size, summary.done, summary.failed, summary.lost, summary.running], ['Pool', 3, 12, 0, 0, 0]);
        assert.equal(workers.length, 3);
        assert.equal(workers.reduce((sum, w) => sum + (w.tasks?.done ?? 0), 0), 12, 'the workers’ own tallies add up');
        for (const worker of workers) {
          assert.equal(worker.poolId, pool.id);
          assert.equal(worker.daemon, true);
          assert.ok([0, -15].includes(worker.exitCode!), `${worker.name} exited ${worker.exitCode}`);
        }
      } finally {
        await traced.tracker.dispose();
      }
    });
  }

  test('100 forked children at once, each on a connection of its own: every line whole, every child seen', async () => {
    const traced = await runOverTcp([python, path.join(FIXTURES, 'burst.py'), '100', 'fork']);
    try {
      const children = [...checkModel(traced, 'fork').values()];
      assert.equal(children.length, 100);
      assert.ok(children.every((c) => c.exitCode === 0));
      // Over TCP every Python process opens a connection of its own, a forked one too: a write
      // there can go out in part, so a connection is never shared (over a Unix socket on Linux
      // a forked child writes on its parent's, see the tracer's _SHARE_AFTER_FORK).
      assert.ok(traced.run.events.stats.accepted >= 101, `${traced.run.events.stats.accepted} connections for 101 processes`);
    } finally {
      await traced.tracker.dispose();
    }
  });
});

/** A connection to the run's TCP listener: what it was sent, and whether the core closed it. */
function peer(port: number, host: string, text: string): Promise<{ closedByCore: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host, () => {
      if (text) {
        socket.write(text);
      }
    });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ closedByCore: false });
    }, 10_000);
    socket.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      // The core destroys the socket: a reset is as much a close as an end.
      error.code === 'ECONNRESET' ? resolve({ closedByCore: true }) : reject(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ closedByCore: true });
    });
  });
}

/** The listening TCP sockets of this machine on `port`, as /proc/net/tcp lists them: `0100007F` is 127.0.0.1. */
function listeningAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return fs
    .readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[1]?.endsWith(`:${hexPort}`) && fields[3] === '0A')
    .map((fields) => fields[1].split(':')[0]);
}

describe('who can reach the tracer port', () => {
  test('a connection without the right token is dropped, and nothing it sends reaches the model', async () => {
    const tracker = new ProcessTracker({ tracerDirectory, scanIntervalMs: 100, transport: 'tcp' });
    const run = await tracker.start({ command: [python, '-c', 'import time; time.sleep(4)'], stdio: 'pipe' });
    try {
      await until('the program to connect', () => tracker.model.find(run.id, run.program.pid)?.traced);
      const port = Number(run.events.address.split(':').pop());
      const claim = `{"e":"start","pid":${run.program.pid},"t":${Date.now() / 1000},"child":4194000,"name":"intruder","daemon":false}\n`;
      const wrongToken = 'f'.repeat(run.events.token.length);
      const attempts = [
        // The right length, the wrong bytes.
        `${wrongToken}\n${claim}`,
        // The token with a byte more.
        `${run.events.token}0\n${claim}`,
        // A line of events and no token at all.
        claim,
        // No token line, ever: dropped at the deadline.
        '',
      ];
      const results = await Promise.all(attempts.map((text) => peer(port, '127.0.0.1', text)));
      assert.deepEqual(results, attempts.map(() => ({ closedByCore: true })));
      assert.equal(run.events.stats.rejected, attempts.length);
      assert.equal(tracker.model.find(run.id, 4194000), undefined, 'the intruder’s claim never reached the model');
      // The run's own tracer, with the token, goes on as before.
      await run.finished;
      assert.equal(run.record.exitCode, 0);
      assert.equal(run.events.stats.accepted, 1);
    } finally {
      await tracker.dispose();
    }
  });

  test('the listener is bound to 127.0.0.1 only: another address of this machine is refused', async (t) => {
    const tracker = new ProcessTracker({ tracerDirectory, scanIntervalMs: 100, transport: 'tcp' });
    const run = await tracker.start({ command: [python, '-c', 'import time; time.sleep(2)'], stdio: 'pipe' });
    try {
      const port = Number(run.events.address.split(':').pop());
      assert.deepEqual(listeningAddresses(port), ['0100007F'], 'one listening socket, on 127.0.0.1');
      const external = Object.values(os.networkInterfaces())
        .flat()
        .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
      if (!external) {
        t.diagnostic('no non-loopback IPv4 address on this machine: the refusal from one is not tried');
      } else {
        await assert.rejects(peer(port, external, ''), (error: NodeJS.ErrnoException) => error.code === 'ECONNREFUSED', `connecting via ${external}`);
      }
      await run.finished;
    } finally {
      await tracker.dispose();
    }
  });
});
