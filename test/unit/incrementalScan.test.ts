import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { FULL_READ_EVERY_MS, IncrementalScan } from '../../src/core/scan/incrementalScan';
import { LinuxProcLister } from '../../src/core/scan/linuxProcLister';
import { ProcessSnapshot } from '../../src/core/scan/processSnapshot';
import { ProcessTracker } from '../../src/core/tracking/processTracker';

/*
 * A fake /proc in a temporary folder, followed by a real tracker through the
 * real /proc lister, ticking only when a test says so, on a clock the test
 * moves. The machine booted 1,000 s ago; the run's program, pid 100, started
 * at 900 s (tick 90,000) in a session of its own; ten unrelated processes
 * (50-59) sleep in another session.
 */

interface Process {
  readonly ppid: number;
  readonly session: number;
  readonly start: number;
  readonly state?: string;
  /** The waitpid() status of a zombie. */
  readonly waitStatus?: number;
}

class FakeProc {
  readonly root = fs.mkdtempSync(path.join(os.tmpdir(), 'proclens-proc-'));

  constructor() {
    fs.writeFileSync(path.join(this.root, 'uptime'), '1000.00 1500.00\n');
    this.put(1, { ppid: 0, session: 1, start: 1 });
    for (let pid = 50; pid < 60; pid++) {
      this.put(pid, { ppid: 1, session: 50, start: 100 });
    }
    this.put(100, { ppid: 1, session: 100, start: 90_000 });
  }

  put(pid: number, p: Process): void {
    // Fields 3 to 52 of proc(5); rest[N - 3] is field N.
    const rest = new Array<string>(50).fill('0');
    rest[0] = p.state ?? 'S';
    rest[4 - 3] = String(p.ppid);
    rest[5 - 3] = String(p.session);
    rest[6 - 3] = String(p.session);
    rest[20 - 3] = '1';
    rest[22 - 3] = String(p.start);
    rest[52 - 3] = String(p.waitStatus ?? 0);
    fs.mkdirSync(path.join(this.root, String(pid)), { recursive: true });
    fs.writeFileSync(path.join(this.root, String(pid), 'stat'), `${pid} (p${pid}) ${rest.join(' ')}\n`);
  }

  remove(pid: number): void {
    fs.rmSync(path.join(this.root, String(pid)), { recursive: true });
  }

  dispose(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

/** Adopts pid 100 and waits for the first tick; `tick()` then scans once and returns the pids the lister read. */
async function follow(proc: FakeProc, options: { listedBefore?: boolean } = {}) {
  const clock = { now: 0 };
  const lister = new LinuxProcLister(proc.root, new IncrementalScan(FULL_READ_EVERY_MS, () => clock.now));
  if (options.listedBefore) {
    // Someone listed every process before the run was followed (Follow a Running Process does).
    await lister.list();
    clock.now += 1000;
  }
  const listings: ProcessSnapshot[][] = [];
  const list = lister.list.bind(lister);
  lister.list = async (followed) => {
    const listing = await list(followed);
    listings.push(listing);
    return listing;
  };
  // Scans at a longer interval than any test lasts: each tick below is one the test asks for.
  const tracker = new ProcessTracker({ tracerDirectory: proc.root, lister, scanIntervalMs: 3_600_000 });
  const run = await tracker.adopt({ pid: 100, command: ['python3', 'main.py'], cwd: '/' });
  assert.ok(run, 'pid 100 adopted');
  for (let waited = 0; !listings.length && waited < 5000; waited += 5) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const readPids = () => listings[listings.length - 1].map((s) => s.pid).sort((a, b) => a - b);
  const tick = async (advanceMs = 500) => {
    clock.now += advanceMs;
    await tracker.scanNow();
    return readPids();
  };
  const record = (pid: number) => tracker.model.find(run.id, pid);
  return { tracker, tick, record, firstRead: readPids() };
}

test('a process forked during a run is found on the next tick; unrelated processes are not read', async () => {
  const proc = new FakeProc();
  proc.put(101, { ppid: 100, session: 100, start: 90_100 });
  const { tracker, tick, record, firstRead } = await follow(proc);
  try {
    assert.equal(firstRead.length, 13, 'the first tick reads every process');
    assert.ok(record(101)?.identity, 'the child found by the first tick');
    // A grandchild that left the run's session at once (setsid), and its own child.
    proc.put(102, { ppid: 101, session: 102, start: 95_000 });
    proc.put(103, { ppid: 102, session: 102, start: 95_001 });
    assert.deepEqual(await tick(), [100, 101, 102, 103], 'only the run and what is new are read');
    assert.equal(record(102)?.parentPid, 101);
    assert.equal(record(103)?.parentPid, 102);
    assert.ok(record(103)?.identity, 'confirmed by the OS');
  } finally {
    await tracker.dispose();
    proc.dispose();
  }
});

test('a followed process is read on every tick, whatever its last reading said: its zombie and its end are seen', async () => {
  const proc = new FakeProc();
  // A daemon's double fork: 101 leaves the run's session, 102 is its child in that new session.
  proc.put(101, { ppid: 100, session: 101, start: 90_100 });
  proc.put(102, { ppid: 101, session: 101, start: 90_200 });
  const { tracker, tick, record } = await follow(proc);
  try {
    assert.ok(record(102)?.identity, 'the grandchild is the run’s');
    // 101 exits and is reaped; the kernel gives 102 to init. Nothing else ties 102 to the run now.
    proc.remove(101);
    proc.put(102, { ppid: 1, session: 101, start: 90_200 });
    await tick();
    assert.equal(record(101)?.state, 'exited');
    assert.equal(record(102)?.ppid, 1, 're-parented, still followed');
    proc.put(102, { ppid: 1, session: 101, start: 90_200, state: 'Z', waitStatus: 3 << 8 });
    assert.deepEqual(await tick(), [100, 102]);
    assert.equal(record(102)?.state, 'zombie');
    assert.equal(record(102)?.exitCode, 3);
    proc.remove(102);
    await tick();
    assert.equal(record(102)?.state, 'exited');
  } finally {
    await tracker.dispose();
    proc.dispose();
  }
});

test('a pid reused between two ticks, unrelated before and the run’s now, is found by the periodic full read', async () => {
  const proc = new FakeProc();
  proc.put(101, { ppid: 100, session: 100, start: 90_100 });
  const { tracker, tick, record } = await follow(proc);
  try {
    // Unrelated 55 ends, and before the next tick a child of 101 is given the same pid.
    proc.put(55, { ppid: 101, session: 100, start: 95_000 });
    assert.deepEqual(await tick(1000), [100, 101], 'pid 55 was listed before and its last reading was unrelated');
    assert.equal(record(55), undefined, 'not shown from a guess either way');
    const full = await tick(FULL_READ_EVERY_MS);
    assert.equal(full.length, 13, 'a full read is due');
    assert.equal(record(55)?.parentPid, 101);
    assert.ok(record(55)?.identity);
  } finally {
    await tracker.dispose();
    proc.dispose();
  }
});

test('a run followed after its processes were last read: its whole tree is read on the first tick', async () => {
  const proc = new FakeProc();
  proc.put(101, { ppid: 100, session: 100, start: 90_100 });
  // Out of the run's session: only its parent ties it to the run.
  proc.put(102, { ppid: 101, session: 102, start: 90_200 });
  const { tracker, record, firstRead } = await follow(proc, { listedBefore: true });
  try {
    assert.deepEqual(firstRead, [100, 101, 102], 'not a full read');
    assert.equal(record(102)?.parentPid, 101);
  } finally {
    await tracker.dispose();
    proc.dispose();
  }
});

test('a full listing yields to the event loop between batches of 128 reads', async () => {
  const proc = new FakeProc();
  for (let pid = 1000; pid < 1300; pid++) {
    proc.put(pid, { ppid: 1, session: 1000, start: 500 });
  }
  try {
    let turns = 0;
    let listing = false;
    const count = () => {
      turns++;
      if (listing) setImmediate(count);
    };
    listing = true;
    setImmediate(count);
    const snapshots = await new LinuxProcLister(proc.root).list();
    listing = false;
    assert.equal(snapshots.length, 312);
    assert.ok(turns >= 2, `${turns} turns of the event loop during three batches`);
  } finally {
    proc.dispose();
  }
});

test('of two listings at once, the one that listed /proc later is remembered, whichever ends last', () => {
  const scan = new IncrementalScan(FULL_READ_EVERY_MS, () => 0);
  const reading = (pid: number, ppid: number, sessionId: number): ProcessSnapshot => ({ pid, ppid, sessionId, name: `p${pid}`, zombie: false, identity: '1' });
  // A full listing (Follow a Running Process's) lists /proc and reads slowly...
  const slow = scan.choose([1, 55, 100]);
  // ...meanwhile 55 ends, and a tick lists /proc without it and ends first.
  const quick = scan.choose([1, 100], new Set([100]));
  scan.remember(quick, [reading(1, 0, 1), reading(100, 1, 100)]);
  scan.remember(slow, [reading(1, 0, 1), reading(55, 1, 50), reading(100, 1, 100)]);
  // 55 is given to a new process: to the next tick it is new, not the unrelated one the slow listing read.
  assert.deepEqual(scan.choose([1, 55, 100], new Set([100])).toRead, [55, 100]);
});
