import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import {
  alivePids,
  byName,
  CLI,
  EXAMPLES,
  FIXTURES,
  readJsonLines,
  run,
  runTraced,
  scratchFile,
  START_METHODS,
  testInterpreters,
  TracedOutcome,
  until,
  WITH_START_METHOD,
} from './engineHelpers';

/*
 * ps-list, the lister of macOS and Windows, as the only lister of whole runs of the lesson's
 * programs on Linux (`proclens run --lister ps-list`): every example of examples/manifest.json,
 * under each start method. What the model shows must be true (names, exit codes, daemon flags,
 * one record a process); what ps cannot see must be said (the run's `lister` in the JSON), and
 * never shown wrong: a zombie is not shown alive, and no exit code comes from ps (it prints none).
 */

type Process = Record<string, any>;

// Everything these runs leave in the temp folder goes into one of this file's own, removed at its
// end: the CLIs' JSON files, and the fork server folders (pymp-*) of programs stopped at --timeout,
// whose exit handlers never run. Every CLI and program here inherits this TMPDIR.
const ownTemp = fs.mkdtempSync(path.join(os.tmpdir(), 'proclens-ps-'));
process.env.TMPDIR = ownTemp;
after(() => fs.rmSync(ownTemp, { recursive: true, force: true }));

const python = (testInterpreters().find((p) => p.label === '3.13' && p.path) ?? testInterpreters().find((p) => p.path))?.path ?? 'python3';
const PS_LIST = ['--lister=ps-list'];
const example = (name: string) => path.join(EXAMPLES, name);

/** The examples the manifest lists, read the way the extension reads them: each must be run below. */
const MANIFEST: string[] = JSON.parse(fs.readFileSync(path.join(EXAMPLES, 'manifest.json'), 'utf8')).examples.map((e: { file: string }) => e.file);

/** What ps-list's capabilities are on Linux and macOS: stated, and said in words. */
function assertListerSaid(summary: TracedOutcome['summary']) {
  const lister = summary.run.lister;
  assert.deepEqual(
    { ...lister, cannotSee: undefined },
    { name: 'ps-list', zombies: 'no-exit-status', sessions: false, startTimeEarlyMs: 2000, commandLines: 'joined', cannotSee: undefined },
  );
  const said = lister.cannotSee.join('\n');
  assert.match(said, /no sessions/);
  assert.match(said, /zombies without their exit status/);
  assert.match(said, /whole seconds and may read up to 2 s early/);
}

/**
 * What holds in every run with ps-list only: one record a process, one MainProcess; nothing
 * left alive or a zombie once the run is over; every exit code from the program's own wait,
 * its parent's reaping or its own report, never from ps; a start time from ps marked so.
 */
function assertTrueToTheOs(traced: TracedOutcome, method?: string) {
  const { summary } = traced;
  assertListerSaid(summary);
  const pids = summary.processes.map((p) => p.pid);
  const described = (p: Process) => `${p.pid} ${p.name} ${p.kind} ${p.state} ${p.exitCode} confirmed=${p.confirmed} ${p.startedAt}-${p.endedAt}`;
  assert.equal(new Set(pids).size, pids.length, `one record a process:\n${summary.processes.map(described).join('\n')}`);
  const programs = summary.processes.filter((p) => p.kind === 'program');
  assert.deepEqual(
    programs.map((p) => [p.name, p.pid, p.exitCode]),
    [['MainProcess', summary.run.topPid, summary.run.exitCode]],
  );
  for (const p of summary.processes) {
    assert.equal(p.state, 'exited', `${p.name} (${p.pid}) is over when the run is`);
    if (p.kind !== 'program' && p.exitCode !== null) {
      assert.ok(p.reapedAt !== null || p.reportedExitCode === p.exitCode, `${p.name}'s exit code ${p.exitCode} came from its parent or itself, not from ps`);
    }
    if (p.startedAtEarlyMs !== null) {
      assert.deepEqual([p.startedAtEarlyMs, p.startedAt % 1000], [2000, 0], `${p.name}: a start time from ps is whole seconds, and said to be`);
    }
    if (method && p.kind === 'mp-child') {
      assert.equal(p.startMethod, method, p.name);
    }
  }
  // No exited record of the run is a process the OS still shows (a zombie or a live one).
  assert.deepEqual(alivePids(pids), [], 'nothing of the run is left');
}

const exitedWith = (summary: TracedOutcome['summary'], expected: Record<string, [exitCode: number, daemon: boolean]>) => {
  const children = summary.processes.filter((p) => p.kind === 'mp-child' && p.parentPid === summary.run.topPid);
  assert.deepEqual(
    Object.fromEntries(children.map((p) => [p.name, [p.exitCode, p.daemon]])),
    expected,
  );
  for (const child of children) {
    assert.equal(child.signal, child.exitCode === -15 ? 'SIGTERM' : null, child.name);
  }
  return children;
};

const EXPECTED: Record<string, (traced: TracedOutcome) => void> = {
  's06_start_four_processes.py': ({ summary }) =>
    exitedWith(summary, { 'Process-1': [0, false], 'Process-2': [0, false], 'Process-3': [0, false], 'Process-4': [0, false] }),
  's06_data_isolation.py': ({ summary, stdout }) => {
    exitedWith(summary, { 'Process-1': [0, false] });
    assert.match(stdout, /子程序 200[\s\S]*主程序 100/);
  },
  's08_join_timeout.py': ({ summary, lines }) => {
    exitedWith(summary, { egon: [0, false] });
    assert.ok(lines.some((l) => l.type === 'process' && l.pid === summary.run.topPid && l.state === 'joining'), 'MainProcess was seen in join()');
  },
  's08_join_all.py': ({ summary }) =>
    exitedWith(summary, { 'Process-1': [0, false], 'Process-2': [0, false], 'Process-3': [0, false], 'Process-4': [0, false] }),
  's09_terminate_is_alive.py': ({ summary, stdout }) => {
    const [egon] = exitedWith(summary, { egon: [-15, false] });
    assert.deepEqual(egon.signalsRequested.map((s: Process) => [s.signal, s.by]), [['SIGTERM', summary.run.topPid]]);
    assert.match(stdout, /exitcode -15/);
  },
  's09_name_and_pid.py': ({ summary, stdout }) => {
    const [piao] = exitedWith(summary, { 'Piao-1': [0, false] });
    assert.match(stdout, new RegExp(`PID ${piao.pid}\\b`), 'its PID is the one the program prints');
  },
  's10_daemon.py': ({ summary }) => {
    exitedWith(summary, { egon: [-15, true] });
  },
  's10_daemon_no_children.py': ({ summary }) => {
    exitedWith(summary, { egon: [0, true] });
    assert.equal(summary.processes.filter((p) => p.kind === 'mp-child').length, 1, 'no grandchild');
  },
  'pool_map.py': ({ summary }) => {
    const [pool] = (summary as Process).pools;
    assert.deepEqual([pool.kind, pool.size, pool.done, pool.failed, pool.lost], ['Pool', 3, 12, 0, 0]);
    const workers = summary.processes.filter((p) => p.pool === pool.id);
    assert.equal(workers.length, 3);
    for (const worker of workers) {
      assert.match(worker.name, /^(Fork|Spawn|ForkServer)PoolWorker-\d$/);
      assert.equal(worker.daemon, true, 'Pool workers are daemons');
      // Leaving the with block terminates the workers; one that had already finished its loop exits 0.
      assert.ok([0, -15].includes(worker.exitCode), `${worker.name} exited ${worker.exitCode}`);
      assert.equal(worker.signal, worker.exitCode === -15 ? 'SIGTERM' : null);
    }
  },
  'pool_executor.py': ({ summary }) => {
    const [pool] = (summary as Process).pools;
    assert.deepEqual([pool.kind, pool.size, pool.done, pool.failed, pool.errors], ['ProcessPoolExecutor', 2, 8, 1, { ValueError: 1 }]);
    const workers = summary.processes.filter((p) => p.pool === pool.id);
    assert.deepEqual(workers.map((w) => [w.exitCode, w.daemon]), [[0, false], [0, false]]);
  },
};

/** The stuck examples never end: --timeout stops them, with ps-list answering every identity check. */
const STUCK: Record<string, (summary: Process) => void> = {
  'stuck_queue_join.py': (summary) => assert.equal(byName(summary as TracedOutcome['summary']).get('MainProcess')!.waitingFor?.kind, 'join'),
  'stuck_lock.py': (summary) => assert.equal(byName(summary as TracedOutcome['summary']).get('Process-1')!.waitingFor?.kind, 'lock'),
  'stuck_pool_dead_worker.py': (summary) => {
    const dead = summary.processes.filter((p: Process) => p.exitCode === -9);
    assert.deepEqual(dead.map((p: Process) => p.signal), ['SIGKILL'], 'one worker killed itself');
  },
  'stuck_threads.py': (summary) => assert.equal(byName(summary as TracedOutcome['summary']).get('Process-1')!.waitingFor?.kind, 'thread-join'),
};

describe(`ps-list as the only lister: the lesson's examples under Python ${python}`, { concurrency: 3 }, () => {
  test('every example of the manifest is run here', () => {
    const here = [...Object.keys(EXPECTED), 'pool_helpers.py', ...Object.keys(STUCK), 'ctrl_c_pool.py', 's07_socket_server.py', 's07_socket_client.py'];
    assert.deepEqual([...new Set(here)].sort(), [...MANIFEST].sort());
  });

  for (const [file, check] of Object.entries(EXPECTED)) {
    for (const method of START_METHODS) {
      test(`${file} (${method}): names, exit codes and daemons true; what ps cannot see said`, async () => {
        const traced = await runTraced([python, WITH_START_METHOD, method, example(file)], { cliArgs: PS_LIST });
        assert.equal(traced.code, 0, traced.stderr);
        assert.equal(traced.summary.tracer.malformed, 0);
        assertTrueToTheOs(traced, method);
        check(traced);
      });
    }
  }

  test('pool_helpers.py (forkserver, its own): the fork server, resource tracker and Manager, with their roles; their exit codes unknown rather than guessed', async () => {
    const traced = await runTraced([python, example('pool_helpers.py')], { cliArgs: PS_LIST });
    assert.equal(traced.code, 0, traced.stderr);
    assertTrueToTheOs(traced, 'forkserver');
    const roles = new Map(traced.summary.processes.filter((p) => p.role).map((p) => [p.role, p]));
    assert.deepEqual([...roles.keys()].sort(), ['forkserver', 'manager', 'resource_tracker']);
    for (const [role, helper] of roles) {
      assert.equal(helper.parentPid, traced.summary.run.topPid, `${role} is under MainProcess`);
      assert.equal(helper.orphan, false, `${role} outlives MainProcess by design`);
    }
    // The fork server and resource tracker end after MainProcess and nobody Python-visible collects
    // them: /proc reads their zombie's status; ps prints none, so their codes stay unknown.
    for (const role of ['forkserver', 'resource_tracker']) {
      const helper = roles.get(role)!;
      assert.ok(helper.exitCode === null || helper.reapedAt !== null || helper.reportedExitCode === helper.exitCode, `${role}: ${helper.exitCode}`);
    }
    const [pool] = (traced.summary as Process).pools;
    assert.deepEqual([pool.kind, pool.size, pool.maxTasksPerChild, pool.done], ['Pool', 2, 2, 6]);
  });
});

describe(`ps-list as the only lister: stopping what never ends, under Python ${python}`, { concurrency: 3 }, () => {
  for (const [file, check] of Object.entries(STUCK)) {
    for (const method of START_METHODS) {
      test(`${file} (${method}): --timeout stops every process of the run, each signal checked against ps's identity`, async () => {
        const traced = await runTraced([python, WITH_START_METHOD, method, example(file)], { cliArgs: [...PS_LIST, '--timeout=4'], timeoutMs: 90_000 });
        assert.equal(traced.code, 124, traced.stderr);
        assertListerSaid(traced.summary);
        const pids = traced.summary.processes.map((p) => p.pid);
        assert.equal(new Set(pids).size, pids.length, 'one record a process');
        assert.deepEqual(alivePids(pids), [], 'nothing left running');
        for (const p of traced.summary.processes) {
          assert.equal(p.state, 'exited', `${p.name} (${p.pid})`);
          // What Stop signalled, the OS had confirmed as the run's: no signal went on a guess.
          if (p.signalsRequested.some((s: Process) => s.by === 0)) {
            assert.equal(p.confirmed, true, `${p.name} was signalled only once confirmed`);
          }
        }
        check(traced.summary);
      });
    }
  }
});

/** Starts `proclens run --lister ps-list --json=…` on `command`, its stdout readable as it comes. */
function startCli(command: string[]) {
  const jsonFile = scratchFile('run.jsonl');
  const cli = spawn(process.execPath, [CLI, 'run', `--json=${jsonFile}`, '--interval=100', ...PS_LIST, '--', ...command], { stdio: ['pipe', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  cli.stdout.on('data', (d) => (out.stdout += d));
  cli.stderr.on('data', (d) => (out.stderr += d));
  const exited = new Promise<number | null>((resolve) => cli.on('close', resolve));
  const lines = () => (fs.existsSync(jsonFile) ? readJsonLines(jsonFile) : []);
  const summary = () => {
    const all = lines();
    assert.equal(all.at(-1)?.type, 'summary', out.stderr);
    return all.at(-1) as TracedOutcome['summary'] & Process;
  };
  return { cli, out, exited, lines, summary };
}

describe(`ps-list as the only lister: the interactive examples, under Python ${python}`, { concurrency: 3 }, () => {
  for (const method of START_METHODS) {
    test(`ctrl_c_pool.py (${method}): Ctrl+C is SIGINT to the program's process group; the workers end by SIGTERM, the run by 0`, async () => {
      const { cli, out, exited, lines, summary } = startCli([python, WITH_START_METHOD, method, example('ctrl_c_pool.py')]);
      try {
        await until('the workers to be busy', () => /3 workers are busy/.test(out.stdout), 30_000);
        const top = await until('the program in the model', () => lines().find((l) => l.type === 'run' && l.topPid)?.topPid as number | undefined);
        // Each worker ignores SIGINT once its initializer has run, which is before its first task:
        // until then Ctrl+C would interrupt it (exit 1), as it would in a terminal.
        await until('three workers running a task', () => new Set(lines().filter((l) => l.type === 'process' && /PoolWorker/.test(l.name) && l.currentTask).map((l) => l.pid)).size === 3, 30_000);
        // What a terminal does on Ctrl+C: SIGINT to the foreground process group, which the program leads.
        process.kill(-top, 'SIGINT');
        assert.equal(await exited, 0, out.stderr);
        const final = summary();
        assertListerSaid(final);
        assert.match(out.stdout, /cleanup done: the workers were terminated/);
        const workers = final.processes.filter((p) => /PoolWorker-\d+$/.test(p.name));
        assert.deepEqual(workers.map((w) => [w.exitCode, w.signal, w.daemon]), Array(3).fill([-15, 'SIGTERM', true]));
        assert.deepEqual(alivePids(final.processes.map((p) => p.pid)), [], 'nothing left running');
      } finally {
        cli.kill('SIGKILL');
      }
    });
  }

  for (const method of START_METHODS) {
    test(`s07_socket_server.py (${method}): one talk process per client; Ctrl+C to the CLI stops them all`, async () => {
      const { cli, out, exited, lines, summary } = startCli([python, WITH_START_METHOD, method, example('s07_socket_server.py'), '0']);
      const sockets: net.Socket[] = [];
      try {
        const port = Number(await until('the server to listen', () => /listening on 127\.0\.0\.1:(\d+)/.exec(out.stdout)?.[1], 30_000));
        for (const word of ['hello', 'egon']) {
          const reply = await new Promise<string>((resolve, reject) => {
            const socket = net.connect(port, '127.0.0.1', () => socket.write(word));
            sockets.push(socket);
            socket.once('data', (d) => resolve(d.toString()));
            socket.once('error', reject);
          });
          assert.equal(reply, word.toUpperCase());
        }
        await until('two talk processes alive in the model', () => {
          const latest = new Map<number, Process>();
          lines()
            .filter((l) => l.type === 'process' && l.kind === 'mp-child')
            .forEach((l) => latest.set(l.pid, l));
          return [...latest.values()].filter((p) => p.state === 'running').length === 2;
        }, 30_000);
        cli.kill('SIGINT');
        assert.equal(await exited, 0, out.stderr);
        const final = summary();
        assertListerSaid(final);
        const talkers = final.processes.filter((p) => p.kind === 'mp-child');
        assert.deepEqual(talkers.map((p) => p.name).sort(), ['Process-1', 'Process-2']);
        for (const talker of talkers) {
          assert.ok(talker.signalsRequested.some((s: Process) => s.signal === 'SIGTERM' && s.by === 0), `${talker.name}: Stop sent SIGTERM`);
          if (method === 'forkserver' && talker.exitCode === null) {
            // The fork server, stopped too, may die before it tells the parent: multiprocessing then
            // says 255, which is not this process's code; and ps prints no zombie's status. Unknown.
            continue;
          }
          assert.deepEqual([talker.exitCode, talker.signal], [-15, 'SIGTERM'], talker.name);
        }
        assert.deepEqual(alivePids(final.processes.map((p) => p.pid)), [], 'nothing left running');
      } finally {
        sockets.forEach((s) => s.destroy());
        cli.kill('SIGKILL');
      }
    });
  }

  test('s07_socket_client.py: lines typed on stdin come back upper-cased; one process, exited 0', async () => {
    const server = net.createServer((socket) => socket.on('data', (d) => socket.write(d.toString().toUpperCase())));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as net.AddressInfo).port;
      const traced = await runTraced([python, example('s07_socket_client.py'), String(port)], { cliArgs: PS_LIST, input: 'hello\n\negon\n' });
      assert.equal(traced.code, 0, traced.stderr);
      assert.match(traced.stdout, /HELLO[\s\S]*EGON/);
      assertTrueToTheOs(traced);
      assert.deepEqual(traced.summary.processes.map((p) => [p.name, p.exitCode]), [['MainProcess', 0]]);
    } finally {
      server.close();
    }
  });
});

describe(`ps-list as the only lister: what it cannot see, said rather than shown wrong, under Python ${python}`, { concurrency: 3 }, () => {
  test('a zombie (terminated, not yet joined) is shown as one, with no exit code it cannot know; −15 once collected', async () => {
    const traced = await runTraced([python, path.join(FIXTURES, 'zombie.py')], { cliArgs: PS_LIST });
    assert.equal(traced.code, 0, traced.stderr);
    assertTrueToTheOs(traced);
    const child = traced.summary.processes.find((p) => p.kind === 'mp-child')!;
    const seen = traced.lines.filter((l) => l.type === 'process' && l.pid === child.pid);
    const zombie = seen.filter((l) => l.state === 'zombie');
    assert.ok(zombie.length > 0, `ps's <defunct> was seen: ${seen.map((l) => l.state).join(' → ')}`);
    assert.ok(
      zombie.every((l) => l.exitCode === null),
      'ps prints no wait status, and a signal was asked for: its code is unknown until its parent collects it',
    );
    // Once a zombie, never alive again.
    const firstZombie = seen.findIndex((l) => l.state === 'zombie');
    assert.ok(seen.slice(firstZombie).every((l) => l.state === 'zombie' || l.state === 'exited'), seen.map((l) => l.state).join(' → '));
    assert.deepEqual([child.state, child.exitCode, child.signal], ['exited', -15, 'SIGTERM']);
    assert.ok(child.reapedAt !== null, 'the code came from is_alive() collecting it');
    assert.match(traced.stdout, /exitcode: -15/);
  });

  test('a descendant re-parented before any scan saw it is not found (no sessions): the run says so', async (t) => {
    // sh starts sleep in the background and exits at once: sleep's parent is gone before ps can see them together.
    // Its output goes elsewhere: holding the run's pipe open, it would keep the test waiting for it.
    const script = 'import subprocess; subprocess.run(["sh", "-c", "sleep 6 >/dev/null 2>&1 & echo sleeper $!"])';
    const traced = await runTraced([python, '-c', script], { cliArgs: PS_LIST });
    const sleeper = Number(/sleeper (\d+)/.exec(traced.stdout)?.[1]);
    try {
      assert.equal(traced.code, 0, traced.stderr);
      assertListerSaid(traced.summary);
      assert.match(traced.summary.run.lister.cannotSee.join('\n'), /a process whose parent ended before a scan saw it is not found as this run’s/);
      const record = traced.summary.processes.find((p) => p.pid === sleeper);
      if (record) {
        // A scan happened to see sh and its child together: then it is the run's, and the run waited for it.
        t.diagnostic('a scan saw sh and its sleep together: the sleep is the run’s');
        assert.equal(record.state, 'exited');
        assert.deepEqual(alivePids([sleeper]), []);
      } else {
        // Not found, so not followed: the run ended while it still runs, which the run's lister said it could not see.
        t.diagnostic(`PID ${sleeper} was never seen: it outlived the run, as the run's lister said it might`);
        assert.deepEqual(alivePids([sleeper]), [sleeper], 'the sleep still runs after the run is over');
      }
    } finally {
      if (sleeper && alivePids([sleeper]).length) {
        process.kill(sleeper, 'SIGKILL');
      }
    }
  });

  test('a process ps found before anything reported it: its start time is whole seconds, and said to be', async () => {
    // sh is reported by the tracer (subprocess); the sleep sh starts is found by the scan alone.
    const script = 'import subprocess; print("sh exit", subprocess.run(["sh", "-c", "sleep 4; exit 7"]).returncode)';
    const traced = await runTraced([python, '-c', script], { cliArgs: PS_LIST });
    assert.equal(traced.code, 0, traced.stderr);
    assertTrueToTheOs(traced);
    const names = byName(traced.summary);
    const sh = names.get('sh')!;
    assert.deepEqual([sh.exitCode, sh.startedAtEarlyMs], [7, null], 'sh: its code from subprocess, its start from the tracer');
    const sleep = names.get('sleep');
    assert.ok(sleep, `the scan found sleep: ${[...names.keys()]}`);
    assert.equal(sleep.parentPid, sh.pid);
    assert.deepEqual([sleep.startedAtEarlyMs, sleep.startedAt % 1000], [2000, 0]);
    assert.equal(sleep.exitCode, null, 'nobody traced collected it and ps prints no exit status: unknown, not guessed');
    assert.deepEqual(sleep.commandLine, ['sleep 4'], 'ps joins the arguments: one string');
  });

  test('the same run with /proc sees what ps-list cannot: the lister says nothing is missing', async () => {
    const traced = await run(process.execPath, [CLI, 'run', '--', python, '-c', 'pass']);
    assert.equal(traced.code, 0, traced.stderr);
    assert.doesNotMatch(traced.stderr, /Process list:/, 'the CLI prints no limits for /proc');
    const withPs = await run(process.execPath, [CLI, 'run', ...PS_LIST, '--', python, '-c', 'pass']);
    assert.match(withPs.stderr, /^proclens: Process list: ps-list\. It reads no sessions/m);
  });
});
