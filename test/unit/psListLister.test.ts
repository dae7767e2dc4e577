import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { PsListEntry, PsListLister } from '../../src/core/scan/psListLister';

// Entries in the shape ps-list returns. On macOS every field is filled from `ps`;
// on Windows its helper reports only pid, ppid and name.
const MAC: PsListEntry[] = [
  { pid: 1, ppid: 0, name: 'launchd', cmd: '/sbin/launchd', cpu: 0.1, startTime: new Date('2025-03-02T08:14:05.000Z') },
  { pid: 8120, ppid: 1, name: 'python3.12', cmd: '/opt/homebrew/bin/python3.12 -u pool.py 4', cpu: 12.5, startTime: new Date('2025-03-02T09:30:11.000Z') },
];
const WINDOWS: PsListEntry[] = [{ pid: 6044, ppid: 5120, name: 'python.exe' }];

/** A fake listing: counts its calls, answers when told to (once a listing has begun: see begun()). */
function fakeListing(entries: PsListEntry[]) {
  const fake = { calls: 0, release: () => undefined as void, entries };
  const listAll = () => {
    fake.calls++;
    return new Promise<PsListEntry[]>((resolve) => {
      fake.release = () => resolve(fake.entries);
    });
  };
  return { fake, listAll };
}

/** A listing begins once the code that asked has run to its end (the callers of one go join it). */
const begun = () => new Promise((resolve) => setImmediate(resolve));

test('200 concurrent identify() calls share one listing', async () => {
  const { fake, listAll } = fakeListing(MAC);
  const lister = new PsListLister(listAll);
  const answers = Promise.all(Array.from({ length: 200 }, (_, i) => lister.identify(i % 2 ? 8120 : 99999)));
  await begun();
  fake.release();
  const identities = await answers;
  assert.equal(fake.calls, 1);
  assert.equal(identities[1], String(Date.parse('2025-03-02T09:30:11.000Z')));
  assert.equal(identities[0], undefined);
});

test('list, identify, commandLine and snapshot answer from the same listing', async () => {
  const { fake, listAll } = fakeListing(MAC);
  const lister = new PsListLister(listAll);
  const all = Promise.all([lister.list(), lister.identify(1), lister.commandLine(8120), lister.snapshot(8120), lister.snapshot(4)]);
  await begun();
  fake.release();
  const [list, identity, argv, snapshot, missing] = await all;
  assert.equal(fake.calls, 1);
  assert.deepEqual(
    list.map((s) => s.pid),
    [1, 8120],
  );
  assert.equal(identity, String(Date.parse('2025-03-02T08:14:05.000Z')));
  assert.deepEqual(argv, ['/opt/homebrew/bin/python3.12 -u pool.py 4'], 'ps joins the arguments: one string');
  assert.deepEqual(snapshot, {
    pid: 8120,
    ppid: 1,
    name: 'python3.12',
    zombie: false,
    identity: String(Date.parse('2025-03-02T09:30:11.000Z')),
    startTime: Date.parse('2025-03-02T09:30:11.000Z'),
    cpuPercent: 12.5,
  });
  assert.equal(missing, undefined);
});

test('a question asked once a listing has begun is answered by the next one, never by a reading older than the question', async () => {
  const { fake, listAll } = fakeListing(MAC);
  const lister = new PsListLister(listAll);
  const first = lister.list();
  await begun();
  assert.equal(fake.calls, 1);
  // A child starts now, while ps is still reading: the scan that asks after it must see it.
  fake.entries = [...MAC, { pid: 8121, ppid: 8120, name: 'python3.12', cmd: 'python3.12 -c child', startTime: new Date('2025-03-02T09:30:12.000Z') }];
  const second = lister.snapshot(8121);
  const third = lister.list();
  const releaseFirst = fake.release;
  await begun();
  assert.equal(fake.calls, 1, 'one listing at a time: the next begins when this one has ended');
  releaseFirst();
  assert.equal((await first).length, 3, 'the first listing read whatever was there when it ran');
  await begun();
  assert.equal(fake.calls, 2, 'the questions asked meanwhile share one listing');
  fake.release();
  assert.equal((await second)?.pid, 8121);
  assert.equal((await third).length, 3);
});

test('a failed listing is not kept: the next call lists again', async () => {
  let calls = 0;
  const lister = new PsListLister(async () => {
    calls++;
    if (calls === 1) {
      throw new Error('ps: not found');
    }
    return MAC;
  });
  await assert.rejects(Promise.all([lister.list(), lister.identify(1)]), /ps: not found/);
  assert.equal(calls, 1);
  assert.equal((await lister.list()).length, 2);
  assert.equal(calls, 2);
});

test('list() hands out a copy, so a caller sorting it cannot change what others see', async () => {
  const lister = new PsListLister(async () => MAC);
  (await lister.list()).reverse();
  assert.equal((await lister.list())[0].pid, 1);
});

test('Windows entries: no start time, so the identity is the name and the creator\'s pid; no command line', async () => {
  const lister = new PsListLister(async () => WINDOWS, 'windows');
  assert.equal(await lister.identify(6044), '?:5120:python.exe');
  assert.equal(await lister.commandLine(6044), undefined);
  assert.deepEqual(await lister.snapshot(6044), {
    pid: 6044,
    ppid: 5120,
    name: 'python.exe',
    zombie: false,
    identity: '?:5120:python.exe',
    startTime: undefined,
    cpuPercent: undefined,
  });
});

test('Windows reuses pids soon: a later python.exe with the same pid but another creator is another process', async () => {
  const entries = { now: WINDOWS };
  const lister = new PsListLister(async () => entries.now, 'windows');
  const before = await lister.identify(6044);
  entries.now = [{ pid: 6044, ppid: 7400, name: 'python.exe' }];
  assert.notEqual(await lister.identify(6044), before);
});

// What ps-list returned on Linux for one process, alive and then as a zombie (its parent had
// not waited for it): the name comes from /proc/PID/exe while there is one, then from `comm`.
const ALIVE: PsListEntry = { pid: 25938, ppid: 25932, name: 'python3.13', cmd: '/usr/bin/python3.13 zombie.py', cpu: 0, startTime: new Date('2026-12-03T22:36:20.000Z') };
const DEFUNCT_LINUX: PsListEntry = { pid: 25938, ppid: 25932, name: 'python', cmd: '[python] <defunct>', cpu: 0, startTime: new Date('2026-12-03T22:36:20.000Z') };
// BSD and macOS ps print `<defunct>` alone in the arguments column.
const DEFUNCT_MAC: PsListEntry = { pid: 8121, ppid: 8120, name: 'Python', cmd: '<defunct>', cpu: 0, startTime: new Date('2025-03-02T09:30:12.000Z') };

test('a process ps marks <defunct> is a zombie, with no wait status and no command line; the same process as before', async () => {
  const entries = { now: [ALIVE] };
  const lister = new PsListLister(async () => entries.now);
  const alive = (await lister.snapshot(25938))!;
  assert.equal(alive.zombie, false);
  entries.now = [DEFUNCT_LINUX];
  const zombie = (await lister.snapshot(25938))!;
  assert.deepEqual([zombie.zombie, zombie.waitStatus], [true, undefined]);
  assert.equal(zombie.identity, alive.identity, 'its name changed, its identity did not: no new process is made of a zombie');
  assert.equal(await lister.commandLine(25938), undefined, '"[python] <defunct>" is not a command line');
  entries.now = [DEFUNCT_MAC];
  assert.equal((await lister.snapshot(8121))!.zombie, true);
});

test('a process whose arguments merely mention <defunct> is alive', async () => {
  const lister = new PsListLister(async () => [{ ...ALIVE, cmd: 'grep <defunct> ps.txt' }, { ...DEFUNCT_MAC, pid: 8122, cmd: '<defunct> x' }]);
  assert.deepEqual((await lister.list()).map((s) => s.zombie), [false, false]);
});

test('exec keeps the identity: the start time is the same process, whatever it is called now', async () => {
  const entries = { now: [ALIVE] };
  const lister = new PsListLister(async () => entries.now);
  const before = await lister.identify(25938);
  entries.now = [{ ...ALIVE, name: 'sleep', cmd: 'sleep 5' }];
  assert.equal(await lister.identify(25938), before);
});

test('what ps-list can see, by where it runs: stated, so that the tree can say what it cannot', () => {
  assert.deepEqual(new PsListLister(async () => []).capabilities, {
    zombies: 'no-exit-status',
    sessions: false,
    startTimeEarlyMs: 2000,
    commandLines: 'joined',
  });
  assert.deepEqual(new PsListLister(async () => [], 'windows').capabilities, {
    zombies: 'none',
    sessions: false,
    startTimeEarlyMs: undefined,
    commandLines: 'none',
  });
});
