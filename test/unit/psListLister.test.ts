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

/** A fake listing: counts its calls, answers when told to. */
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

function clock(start = 1_000_000) {
  const time = { now: start };
  return { time, now: () => time.now };
}

test('200 concurrent identify() calls share one listing', async () => {
  const { fake, listAll } = fakeListing(MAC);
  const lister = new PsListLister(listAll, clock().now);
  const answers = Promise.all(Array.from({ length: 200 }, (_, i) => lister.identify(i % 2 ? 8120 : 99999)));
  fake.release();
  const identities = await answers;
  assert.equal(fake.calls, 1);
  assert.equal(identities[1], `${Date.parse('2025-03-02T09:30:11.000Z')}:python3.12`);
  assert.equal(identities[0], undefined);
});

test('list, identify, commandLine and snapshot answer from the same listing', async () => {
  const { fake, listAll } = fakeListing(MAC);
  const lister = new PsListLister(listAll, clock().now);
  const all = Promise.all([lister.list(), lister.identify(1), lister.commandLine(8120), lister.snapshot(8120), lister.snapshot(4)]);
  fake.release();
  const [list, identity, argv, snapshot, missing] = await all;
  assert.equal(fake.calls, 1);
  assert.deepEqual(
    list.map((s) => s.pid),
    [1, 8120],
  );
  assert.equal(identity, `${Date.parse('2025-03-02T08:14:05.000Z')}:launchd`);
  assert.deepEqual(argv, ['/opt/homebrew/bin/python3.12 -u pool.py 4'], 'ps joins the arguments: one string');
  assert.deepEqual(snapshot, {
    pid: 8120,
    ppid: 1,
    name: 'python3.12',
    zombie: false,
    identity: `${Date.parse('2025-03-02T09:30:11.000Z')}:python3.12`,
    startTime: Date.parse('2025-03-02T09:30:11.000Z'),
    cpuPercent: 12.5,
  });
  assert.equal(missing, undefined);
});

test('a listing younger than 250 ms is reused; an older one is not', async () => {
  const { fake, listAll } = fakeListing(MAC);
  const { time, now } = clock();
  const lister = new PsListLister(listAll, now);
  const first = lister.list();
  fake.release();
  await first;
  time.now += 249;
  await lister.identify(1);
  assert.equal(fake.calls, 1);
  time.now += 1;
  const second = lister.identify(1);
  assert.equal(fake.calls, 2);
  fake.release();
  await second;
});

test('callers share a listing still running, however long it takes', async () => {
  const { fake, listAll } = fakeListing(MAC);
  const { time, now } = clock();
  const lister = new PsListLister(listAll, now);
  const first = lister.list();
  time.now += 5_000;
  const second = lister.snapshot(1);
  assert.equal(fake.calls, 1);
  fake.release();
  await Promise.all([first, second]);
});

test('a failed listing is not kept: the next call lists again', async () => {
  let calls = 0;
  const lister = new PsListLister(async () => {
    calls++;
    if (calls === 1) {
      throw new Error('ps: not found');
    }
    return MAC;
  }, clock().now);
  await assert.rejects(Promise.all([lister.list(), lister.identify(1)]), /ps: not found/);
  assert.equal(calls, 1);
  assert.equal((await lister.list()).length, 2);
  assert.equal(calls, 2);
});

test('list() hands out a copy, so a caller sorting it cannot change what others see', async () => {
  const lister = new PsListLister(async () => MAC, clock().now);
  (await lister.list()).reverse();
  assert.equal((await lister.list())[0].pid, 1);
});

test('Windows entries: no start time, so the identity is the name alone; no command line', async () => {
  const lister = new PsListLister(async () => WINDOWS, clock().now);
  assert.equal(await lister.identify(6044), '?:python.exe');
  assert.equal(await lister.commandLine(6044), undefined);
  assert.deepEqual(await lister.snapshot(6044), {
    pid: 6044,
    ppid: 5120,
    name: 'python.exe',
    zombie: false,
    identity: '?:python.exe',
    startTime: undefined,
    cpuPercent: undefined,
  });
});
