import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { EventServer } from '../../src/core/events/eventServer';
import { tracerEnvironment } from '../../src/core/launch/tracerEnvironment';
import { decodeTracerLine, TracerEvent } from '../../src/core/protocol/tracerEvents';
import { alivePids, FIXTURES, REPO, run, scratchFile, skipUnless, testInterpreters, until } from './engineHelpers';

const TRACER = path.join(REPO, 'tracer');
const python = testInterpreters().find((p) => p.path)?.path ?? 'python3';
const envFor = (address: string, token: string) => tracerEnvironment(process.env, { directory: TRACER, address, token });

/** A real event server that keeps every event it decodes. */
async function eventServer(): Promise<{ server: EventServer; events: TracerEvent[] }> {
  const server = new EventServer();
  const events: TracerEvent[] = [];
  server.on('event', (event) => events.push(event));
  await server.listen();
  return { server, events };
}

/** Each connection's lines are read to the end before a test looks at them. */
const allClosed = (server: EventServer) => until('every tracer connection to close', () => server.connectionCount === 0);

describe('the tracer never blocks on itself', { concurrency: 2 }, () => {
  for (const interpreter of testInterpreters()) {
    test(`SIGTERM and SIGCHLD handlers that call into multiprocessing during 100 bursts of starts do not hang the program (${interpreter.label})`, { skip: (process.platform !== 'linux' && 'needs Linux: reads /proc to see nothing of the run left; SIGCHLD') || skipUnless(interpreter), timeout: 120_000 }, async () => {
      const { server, events } = await eventServer();
      const program = spawn(interpreter.path!, [path.join(FIXTURES, 'signal_storm.py'), '100', '4'], {
        env: envFor(server.address, server.token),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      program.stdout.on('data', (d) => (stdout += d));
      program.stderr.on('data', (d) => (stderr += d));
      const exited = new Promise<number | null>((resolve) => program.on('close', resolve));
      let signals = 0;
      let storm: NodeJS.Timeout | undefined;
      try {
        await until('the program to set its handlers', () => stdout.includes('ready'));
        // As often as a timer allows, so that signals land inside the tracer's own sending.
        storm = setInterval(() => {
          if (!stdout.includes('done') && program.exitCode === null) {
            program.kill('SIGTERM');
            signals++;
          }
        }, 1);
        let watchdog: NodeJS.Timeout | undefined;
        const finished = await Promise.race([exited, new Promise<'hung'>((resolve) => (watchdog = setTimeout(() => resolve('hung'), 30_000)))]);
        clearTimeout(watchdog);
        clearInterval(storm);
        if (finished === 'hung') {
          assert.fail(`the program hung (no end 30 s after ${signals} SIGTERMs; output so far: ${JSON.stringify(stdout)})`);
        }
        assert.equal(finished, 0, stderr);
        assert.match(stdout, /^done 400$/m);
        assert.ok(signals > 100, `only ${signals} signals were sent`);
        await allClosed(server);
        assert.deepEqual([server.stats.malformed, server.stats.oversized], [0, 0]);
        const main = events.filter((e) => e.pid === program.pid);
        // Under fork a start is reported twice: by the child itself and, in a batch, by its parent.
        const started = [...new Set(main.filter((e) => e.kind === 'start').map((e) => (e as { child: number }).child))];
        assert.equal(started.length, 400, 'every start was reported');
        const reaped = new Set(main.filter((e) => e.kind === 'reaped').map((e) => (e as { child: number }).child));
        assert.deepEqual(started.filter((pid) => !reaped.has(pid)), [], 'every child was reported reaped');
        // Lines a handler left for the interrupted sender keep their order: no join is left before it is entered.
        const depth = new Map<number, number>();
        for (const e of main) {
          if (e.kind === 'join') {
            const now = (depth.get(e.child) ?? 0) + (e.phase === 'enter' ? 1 : -1);
            assert.ok(now >= 0, `join leave before its enter for ${e.child}`);
            depth.set(e.child, now);
          }
        }
        assert.deepEqual([...depth.values()].filter((d) => d !== 0), [], 'every join entered was left');
      } finally {
        clearInterval(storm);
        program.kill('SIGKILL');
        await exited;
        await server.close();
        const children = events.filter((e) => e.kind === 'start').map((e) => (e as { child: number }).child);
        assert.deepEqual(alivePids(children), [], 'nothing of the run is left');
      }
    });
  }

  const posixOnly = process.platform === 'win32' && 'needs POSIX: a Unix socket; the fork start method';
  for (const method of ['fork', 'spawn'] as const) {
    test(`children that could not reach the core at first, or lost their connection, still report everything, hello first (${method})`, { skip: posixOnly, timeout: 60_000 }, async () => {
      const folder = path.dirname(scratchFile('late-core'));
      const socketPath = path.join(folder, 'events.sock');
      const token = 'late-core-token';
      const connections: Array<{ socket: net.Socket; lines: string[] }> = [];
      // A stand-in for the core that can be absent, then present, then drop everyone.
      const core = net.createServer((socket) => {
        const connection = { socket, lines: [] as string[] };
        connections.push(connection);
        let rest = '';
        socket.on('data', (chunk) => {
          const parts = (rest + chunk.toString('utf8')).split('\n');
          rest = parts.pop()!;
          connection.lines.push(...parts);
        });
        socket.on('error', () => socket.destroy());
      });
      const count = 3;
      const program = run(python, [path.join(FIXTURES, 'late_core.py'), folder, String(count), method], { env: envFor(`unix:${socketPath}`, token) });
      const marks = (prefix: string) => fs.readdirSync(folder).filter((f) => f.startsWith(prefix));
      try {
        const childPids = (await until('the children to talk with no core there', () => marks('ready1-').length === count && marks('ready1-'))).map((f) => Number(f.split('-')[1]));
        await new Promise<void>((resolve) => core.listen(socketPath, resolve));
        fs.writeFileSync(path.join(folder, 'go1'), '');
        const said = (pid: number, name: string) => connections.some((c) => c.lines.some((l) => l.includes(`"pid":${pid},`) && l.includes(`"name":"${name}"`)));
        await until('every child to reach the core', () => marks('ready2-').length === count && childPids.every((pid) => said(pid, 'a1'))).catch((error) => {
          throw new Error(`${error.message}; the core heard: ${JSON.stringify(connections.map((c) => c.lines.map((l) => l.slice(0, 80))))}`);
        });
        // The core restarts: every connection is dropped while the children are quiet.
        connections.forEach((c) => c.socket.destroy());
        await until('the connections to be closed', () => connections.every((c) => c.socket.closed));
        fs.writeFileSync(path.join(folder, 'go2'), '');
        const outcome = await program;
        assert.equal(outcome.code, 0, outcome.stderr);
        assert.match(outcome.stdout, /exit codes \[0, 0, 0, 0\]/);
        await until('every connection to end', () => connections.every((c) => c.socket.closed || c.socket.readableEnded));

        const byConnection = connections.map((c) => {
          assert.equal(c.lines[0], token, 'the token comes first');
          return c.lines.slice(1).map((line) => {
            const decoded = decodeTracerLine(line);
            assert.ok(decoded.ok, `a whole, valid line: ${line.slice(0, 200)}`);
            return decoded.event;
          });
        });
        byConnection.forEach((events) => assert.equal(events[0]?.kind, 'hello', 'hello first on every connection'));
        const story = (pid: number) =>
          byConnection
            .flat()
            // A spawned child is given its name (Process-N) before it boots; only its own renames tell the story.
            .filter((e) => e.pid === pid && !(e.kind === 'rename' && /^Process-\d+$/.test(e.name)))
            .map((e) => (e.kind === 'rename' ? `rename ${e.name}` : e.kind === 'exit' ? `exit ${e.code}` : e.kind));
        for (const pid of childPids) {
          assert.deepEqual(story(pid), ['hello', 'boot', 'rename r1', 'rename r2', 'rename r3', 'rename a1', 'hello', 'rename a2', 'exit 0'], `child ${pid}`);
        }
        const parent = byConnection.flat().filter((e) => e.kind === 'start');
        assert.deepEqual(
          parent.map((e) => (e as { child: number }).child).slice(0, count).sort(),
          [...childPids].sort(),
          'the parent reports the starts it made while the core was away',
        );
        assert.deepEqual(parent.map((e) => (e as { name: string }).name).slice(-1), ['last']);
      } finally {
        fs.writeFileSync(path.join(folder, 'go1'), '');
        fs.writeFileSync(path.join(folder, 'go2'), '');
        await program.catch(() => undefined);
        connections.forEach((c) => c.socket.destroy());
        await new Promise((resolve) => core.close(resolve));
        fs.rmSync(folder, { recursive: true, force: true });
      }
    });

    test(`a child that fills its socket just before it returns still has its exit arrive (${method})`, { skip: posixOnly, timeout: 60_000 }, async () => {
      const { server, events } = await eventServer();
      let stalled = false;
      server.on('event', (event) => {
        if (event.kind === 'rename' && !stalled) {
          stalled = true;
          // The core is busy for a moment (a slow host, a big redraw): the child's socket fills up.
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 150);
        }
      });
      try {
        const count = 40;
        const outcome = await run(python, [path.join(FIXTURES, 'loud_exit.py'), String(count), '20000', method], { env: envFor(server.address, server.token) });
        assert.equal(outcome.code, 0, outcome.stderr);
        assert.match(outcome.stdout, /exit code 0/);
        await allClosed(server);
        const child = events.find((e) => e.kind === 'boot')!.pid;
        const said = events.filter((e) => e.pid === child && e.kind !== 'hello');
        assert.deepEqual(said.slice(-1).map((e) => (e.kind === 'exit' ? `exit ${e.code}` : e.kind)), ['exit 0'], 'the exit arrived, last');
        const renames = said.filter((e) => e.kind === 'rename' && /^\d+-x+$/.test(e.name)).map((e) => (e as { name: string }).name.split('-')[0]);
        assert.deepEqual(renames, [...Array(count).keys()].map(String), 'every rename arrived, in order');
      } finally {
        await server.close();
      }
    });
  }
});
