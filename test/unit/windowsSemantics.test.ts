import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { runJson } from '../../src/cli/jsonReport';
import { renderRunTree } from '../../src/cli/treeText';
import { ProcessControl } from '../../src/core/control/processControl';
import { ProcessModel } from '../../src/core/model/processModel';
import { ProcessState } from '../../src/core/model/processRecord';
import { describeExitCode, hexExitCode, signalRequestText } from '../../src/core/present/exitCodeText';
import { processDescription, runStateText } from '../../src/core/present/processText';
import { decodeTracerLine } from '../../src/core/protocol/tracerEvents';
import { PsListEntry, PsListLister } from '../../src/core/scan/psListLister';

/*
 * What the tree and the CLI say on Windows, from values shaped as Windows gives them. There
 * ps-list's helper lists pid, ppid and name only; the tracer connects over TCP and only
 * `spawn` exists. Windows has no signals: a process is ended by TerminateProcess with the
 * exit code the caller chose (CPython's Lib/subprocess.py, Popen.terminate on Windows:
 * `_winapi.TerminateProcess(self._handle, 1)`; libuv's uv_kill, so Node's process.kill and
 * ProcLens's Terminate, Kill and Stop Run: `TerminateProcess(process_handle, 1)`, "killed
 * processes normally return 1"). multiprocessing is the exception: its terminate() uses
 * TERMINATE = 0x10000 and its wait() reports that code as -signal.SIGTERM
 * (Lib/multiprocessing/popen_spawn_win32.py). And no zombies: a process that has ended is
 * gone from the listing.
 */

const VS_CODE: PsListEntry = { pid: 5120, ppid: 4800, name: 'Code.exe' };
const SYSTEM: PsListEntry[] = [
  { pid: 0, ppid: 0, name: '[System Process]' },
  { pid: 4, ppid: 0, name: 'System' },
  VS_CODE,
];
const MAIN: PsListEntry = { pid: 6044, ppid: 5120, name: 'python.exe' };
const EGON: PsListEntry = { pid: 7112, ppid: 6044, name: 'python.exe' };

/** A run as the tracker builds it on Windows: ps-list's helper, the model told the OS. */
async function windowsRun() {
  const listing = { now: [...SYSTEM, MAIN] };
  const lister = new PsListLister(async () => listing.now, 'windows');
  let clock = 1_000;
  const model = new ProcessModel({
    os: 'windows',
    batchMs: 1,
    now: () => clock,
    snapshot: (pid) => lister.snapshot(pid),
    commandLine: (pid) => lister.commandLine(pid),
  });
  model.addRun({
    id: 'r',
    command: ['python.exe', 's09_terminate_is_alive.py'],
    cwd: 'C:\\lesson',
    startedAt: clock,
    state: 'live',
    lister: { description: lister.description, capabilities: lister.capabilities },
  });
  model.programStarted('r', MAIN.pid, ['python.exe', 's09_terminate_is_alive.py'], await lister.snapshot(MAIN.pid));
  const states = new Map<number, ProcessState[]>();
  model.on('change', (change) => {
    for (const record of change.processes) {
      const seen = states.get(record.pid) ?? [];
      if (seen.at(-1) !== record.state) {
        seen.push(record.state);
      }
      states.set(record.pid, seen);
    }
  });
  /** One line as the tracer writes it on the wire (times in seconds), decoded as the core does. */
  const apply = (line: Record<string, unknown>) => {
    const decoded = decodeTracerLine(JSON.stringify(line));
    assert.ok(decoded.ok, JSON.stringify(line));
    model.applyTracerEvent('r', decoded.event);
  };
  const scan = async (rows: PsListEntry[]) => {
    listing.now = [...SYSTEM, ...rows];
    model.applyScan(await lister.list(), clock);
    model.flushNow(true);
  };
  const at = (ms: number) => (clock = ms);
  return { model, lister, apply, scan, at, states };
}

/** The tracer's messages for s09 on Windows: a spawn child; its terminate() is not reported there. */
async function terminatedChild() {
  const run = await windowsRun();
  const { apply, scan, at } = run;
  // No stack signal on Windows ("stk": null); the only start method is spawn.
  apply({ e: 'hello', pid: MAIN.pid, ppid: MAIN.ppid, t: 1.01, exe: 'C:\\Python313\\python.exe', argv: ['s09_terminate_is_alive.py'], py: '3.13.0', tid: 8412, native: 8412, thread: 'MainThread', stk: null });
  apply({ e: 'start', pid: MAIN.pid, t: 1.1, child: EGON.pid, name: 'egon', daemon: false, method: 'spawn', target: { name: 'piao', file: 'C:\\lesson\\s09_terminate_is_alive.py', line: 4 } });
  at(1_300);
  await scan([MAIN, EGON]);
  apply({ e: 'hello', pid: EGON.pid, ppid: MAIN.pid, t: 1.33, exe: 'C:\\Python313\\python.exe', argv: ['-c', 'from multiprocessing.spawn import spawn_main; spawn_main(parent_pid=6044, pipe_handle=508)', '--multiprocessing-fork'], py: '3.13.0', tid: 9120, native: 9120, thread: 'MainThread', stk: null });
  apply({ e: 'boot', pid: EGON.pid, ppid: MAIN.pid, t: 1.35, name: 'egon', daemon: false });
  // p.terminate(): TerminateProcess, at once. The child reports nothing (it is killed mid-code),
  // the parent's Popen is not wrapped on Windows: the OS listing alone shows it ended.
  at(2_400);
  await scan([MAIN]);
  return run;
}

test('a child ended by terminate(): exited, its code unknown rather than guessed, no signal named, never a zombie', async () => {
  const { model, states } = await terminatedChild();
  const egon = model.find('r', EGON.pid)!;
  assert.deepEqual([egon.name, egon.kind, egon.startMethod, egon.state, egon.exitCode, egon.signal], ['egon', 'mp-child', 'spawn', 'exited', null, undefined]);
  assert.equal(egon.parentPid, MAIN.pid, 'drawn under MainProcess, as the parent reported it');
  assert.ok(egon.identity !== undefined, 'the OS showed it inside the run');
  assert.ok(!states.get(EGON.pid)!.includes('zombie'), `states: ${states.get(EGON.pid)}`);
  assert.equal(processDescription(egon, undefined), 'PID 7112 · exited · 1.3 s');
  assert.equal(describeExitCode(egon.exitCode, undefined, model.os), 'exit code unknown');
});

test('if its code comes (multiprocessing reports −15 for its own terminate()), no SIGTERM is named: nothing was signalled', async () => {
  const { model, apply } = await terminatedChild();
  apply({ e: 'reaped', pid: MAIN.pid, t: 2.5, child: EGON.pid, code: -15 });
  const egon = model.find('r', EGON.pid)!;
  assert.deepEqual([egon.exitCode, egon.signal], [-15, undefined]);
  assert.equal(processDescription(egon, undefined), 'PID 7112 · exited \u221215 · 1.3 s');
  assert.doesNotMatch(processDescription(egon, undefined), /SIG/);
  const meaning = describeExitCode(-15, undefined, 'windows');
  assert.match(meaning, /TerminateProcess/);
  assert.doesNotMatch(meaning, /SIGTERM/);
});

test('a process ended by TerminateProcess with code 1 (Popen.terminate(), Terminate, Kill, Stop Run): exited 1, no (SIGTERM), both meanings of 1 said', async () => {
  const { model, apply, scan, at } = await terminatedChild();
  apply({ e: 'popen', pid: MAIN.pid, t: 2.6, child: 7300, argv: ['ping.exe', '-n', '60', '127.0.0.1'] });
  at(2_700);
  await scan([MAIN, { pid: 7300, ppid: MAIN.pid, name: 'PING.EXE' }]);
  const ping = model.find('r', 7300)!;
  assert.equal(ping.commandLine?.join(' '), 'ping.exe -n 60 127.0.0.1', 'the tracer gave the command line ps-list cannot');
  model.signalRequested(ping, 'SIGTERM');
  apply({ e: 'reaped', pid: MAIN.pid, t: 2.8, child: 7300, code: 1 });
  assert.deepEqual([ping.state, ping.exitCode, ping.signal], ['exited', 1, undefined]);
  assert.match(processDescription(ping, undefined), /^PID 7300 · exited 1( ·|$)/);
  assert.doesNotMatch(processDescription(ping, undefined), /SIGTERM|\u2212/);
  const meaning = describeExitCode(1, undefined, 'windows');
  assert.match(meaning, /sys\.exit\(1\)/, 'it may have failed on its own');
  assert.match(meaning, /ended at once by TerminateProcess/, 'or been ended');
  assert.equal(describeExitCode(1), 'failed (an exception, or sys.exit(1))', 'on POSIX 1 is only a failure');
  // Stop Run on the program: Node reports what Windows does, code 1, no signal.
  model.programExited('r', 1);
  const run = model.run('r')!;
  assert.deepEqual([run.exitCode, run.signal, runStateText(run)], [1, undefined, 'live (program exited 1)']);
});

test('Terminate and Kill on Windows are described as ending the process at once; on POSIX as the signal sent', () => {
  assert.equal(signalRequestText('SIGTERM', undefined, 'windows'), 'Terminate: ended at once (TerminateProcess)');
  assert.equal(signalRequestText('SIGKILL', undefined, 'windows'), 'Kill: ended at once (TerminateProcess)');
  assert.equal(signalRequestText('SIGTERM'), 'SIGTERM');
  assert.equal(signalRequestText('SIGKILL', undefined, 'posix'), 'SIGKILL');
});

test('Windows status codes: Ctrl+C is 0xC000013A (3221225786), said by name, on any OS since no POSIX code is that high', async () => {
  assert.equal(hexExitCode(3221225786), '0xC000013A');
  assert.equal(describeExitCode(3221225786, undefined, 'windows'), 'interrupted by Ctrl+C (STATUS_CONTROL_C_EXIT)');
  assert.equal(describeExitCode(0xc0000005, undefined, 'windows'), 'crashed: access violation (STATUS_ACCESS_VIOLATION)');
  assert.equal(describeExitCode(0xc00000fd, undefined, 'windows'), 'crashed: stack overflow (STATUS_STACK_OVERFLOW)');
  assert.equal(describeExitCode(0xc0000017, undefined, 'windows'), 'failed with code 3221225495 (0xC0000017)', 'not one it knows: the number, no meaning guessed');
  assert.equal(describeExitCode(0xffffffff, undefined, 'windows'), 'failed with code 4294967295 (0xFFFFFFFF)', 'sys.exit(-1) on Windows');
  assert.equal(describeExitCode(3, undefined, 'windows'), 'failed with code 3');
  const { model } = await windowsRun();
  model.programExited('r', 3221225786);
  const run = model.run('r')!;
  assert.equal(run.signal, undefined);
  assert.equal(runStateText(run), 'live (program exited 3221225786)');
  const top = model.find('r', MAIN.pid)!;
  assert.equal(processDescription(top, undefined), 'PID 6044 · exited 3221225786 (STATUS_CONTROL_C_EXIT) · 0 ms');
});

test('no zombie state, whatever claims one: a listing row said zombie, or a parent gone first', async () => {
  const { model, apply, scan, at, states, lister } = await terminatedChild();
  assert.ok((await lister.list()).every((s) => !s.zombie), 'the Windows helper gives no state: nothing is a zombie');
  apply({ e: 'start', pid: MAIN.pid, t: 2.5, child: 7400, name: 'Process-2', daemon: false, method: 'spawn' });
  at(2_600);
  await scan([MAIN, { pid: 7400, ppid: MAIN.pid, name: 'python.exe' }]);
  model.applyScan([...SYSTEM, MAIN, { pid: 7400, ppid: MAIN.pid, name: 'python.exe' }].map((row) => ({
    pid: row.pid,
    ppid: row.ppid,
    name: row.name,
    zombie: row.pid === 7400,
    identity: `?:${row.ppid}:${row.name}`,
  })));
  model.flushNow(true);
  const child = model.find('r', 7400)!;
  assert.equal(child.state, 'exited', 'a zombie row ends it: there are none on Windows');
  for (const [pid, seen] of states) {
    assert.ok(!seen.includes('zombie'), `PID ${pid} went through ${seen}`);
  }
});

test('a PID Windows reused for another python.exe (another creator) is another process: not signalled in its place', async () => {
  const { model, scan, at } = await terminatedChild();
  const kills: number[] = [];
  const lister = new PsListLister(async () => [...SYSTEM, MAIN, { pid: 7112, ppid: 9999, name: 'python.exe' }], 'windows');
  const control = new ProcessControl(model, { identify: (pid) => lister.identify(pid), scan: async () => undefined, kill: (pid) => kills.push(pid) });
  at(2_500);
  // Between the end of egon and the next scan, the model's record is of the ended process.
  const egon = model.find('r', EGON.pid)!;
  assert.equal(egon.state, 'exited');
  const result = await control.signal({ ...egon, state: 'running' }, 'SIGTERM');
  assert.equal(result.outcome, 'reused');
  assert.deepEqual(kills, []);
  await scan([MAIN, { pid: 7112, ppid: 9999, name: 'python.exe' }]);
  assert.equal(model.processesOf('r').filter((r) => r.pid === 7112 && r.state !== 'exited').length, 0, 'not taken into the run');
});

test('what the Windows process list cannot see is said: in the run\'s JSON and in the tree the CLI prints', async () => {
  const { model } = await terminatedChild();
  model.programExited('r', 0);
  const run = model.run('r')!;
  const json = runJson(run).lister as Record<string, unknown>;
  assert.deepEqual(
    { ...json, cannotSee: undefined },
    { name: 'ps-list', zombies: 'none', sessions: false, startTimeEarlyMs: null, commandLines: 'none', cannotSee: undefined },
  );
  const cannotSee = json.cannotSee as string[];
  assert.equal(cannotSee.length, 3, cannotSee.join('\n'));
  assert.match(cannotSee[0], /no sessions/);
  assert.match(cannotSee[1], /no start times/);
  assert.match(cannotSee[2], /no command lines/);
  assert.ok(!cannotSee.some((line) => /zombie/.test(line)), 'Windows has no zombies: nothing is lost there');
  const tree = renderRunTree(run, model.processesOf('r')).split('\n');
  assert.match(tree[1], /^proclens: Process list: ps-list\. It reads no sessions/);
  assert.match(tree.join('\n'), /egon  PID 7112 · exited · 1\.3 s  \[spawn\]/);
});
