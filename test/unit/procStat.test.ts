import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { LinuxProcLister } from '../../src/core/scan/linuxProcLister';
import { pageSizeFrom, parseBootTime, parseCmdline, parseProcStat, parseUptime } from '../../src/core/scan/procStat';

// Captured on Linux 6.x: a process that named itself "a) b (c" with prctl(PR_SET_NAME), alive then as a zombie that exited with code 3.
const RUNNING =
  '9417 (a) b (c) S 9368 9118 1080 0 -1 4194368 266 0 0 0 0 0 0 0 20 0 1 0 68484 17149952 2654 18446744073709551615 94872152842240 94872152842581 140727266050496 0 0 0 0 16781312 2 1 0 0 17 0 0 0 0 0 0 94872152853936 94872152854552 94872318058496 140727266055977 140727266056291 140727266056291 140727266058191 0\n';
const ZOMBIE =
  '9417 (a) b (c) Z 9368 9118 1080 0 -1 4227148 268 0 0 0 0 0 0 0 20 0 1 0 68484 0 0 18446744073709551615 0 0 0 0 0 0 0 16781312 2 1 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 768\n';
const CAT =
  '9121 (cat) R 9118 9118 1080 0 -1 4194304 101 0 0 0 0 0 0 0 20 0 1 0 68301 3133440 418 18446744073709551615 94156314050560 94156314070441 140723670387888 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 94156314086448 94156314088064 94156791615488 140723670395420 140723670395440 140723670395440 140723670396907 0\n';

test('parses a stat line whose comm contains spaces and parentheses', () => {
  const stat = parseProcStat(RUNNING)!;
  assert.equal(stat.pid, 9417);
  assert.equal(stat.comm, 'a) b (c');
  assert.equal(stat.state, 'S');
  assert.equal(stat.ppid, 9368);
  assert.equal(stat.processGroup, 9118);
  assert.equal(stat.session, 1080);
  assert.equal(stat.startTicks, 68484);
  assert.equal(stat.rssPages, 2654);
});

test('reads the wait status of a zombie from field 52', () => {
  const stat = parseProcStat(ZOMBIE)!;
  assert.equal(stat.state, 'Z');
  assert.equal(stat.exitCode, 768);
  assert.equal(stat.startTicks, parseProcStat(RUNNING)!.startTicks, 'the start time survives death');
});

test('parses an ordinary process', () => {
  const stat = parseProcStat(CAT)!;
  assert.deepEqual([stat.pid, stat.comm, stat.state, stat.ppid, stat.startTicks], [9121, 'cat', 'R', 9118, 68301]);
});

test('rejects text that is not a stat line', () => {
  assert.equal(parseProcStat(''), undefined);
  assert.equal(parseProcStat('12 (x) S 1'), undefined);
});

test('finds btime in /proc/stat and splits cmdline on NUL', () => {
  assert.equal(parseBootTime('cpu  1 2 3\nintr 5\nbtime 1795867621\nprocesses 9\n'), 1795867621);
  assert.equal(parseBootTime('cpu 1\n'), undefined);
  assert.equal(parseUptime('350735.47 234388.90\n'), 350735.47);
  assert.equal(parseUptime(''), undefined);
  assert.deepEqual(parseCmdline('python3\0-c\0print("a b")\0'), ['python3', '-c', 'print("a b")']);
  assert.deepEqual(parseCmdline('/usr/bin/x with spaces\0'), ['/usr/bin/x with spaces']);
});

test('the page size comes from the resident size in kB and in pages (captured from x86-64 and arm64)', () => {
  assert.equal(pageSizeFrom('Name:\tnode\nVmRSS:\t   51200 kB\nRssAnon:\t 1 kB\n', '300000 12800 3000 10 0 20000 0\n'), 4096);
  // Read a moment apart: a few pages more in one file still gives 4 KiB.
  assert.equal(pageSizeFrom('VmRSS:\t   51200 kB\n', '300000 12803 3000 10 0 20000 0\n'), 4096);
  assert.equal(pageSizeFrom('VmRSS:\t  204800 kB\n', '30000 3200 300 10 0 2000 0\n'), 65536);
  assert.equal(pageSizeFrom('', ''), 4096, 'unreadable: the common size');
});

test('the Linux lister sees this very process, with its parent and start identity', { skip: process.platform !== 'linux' && 'needs /proc' }, async () => {
  const lister = new LinuxProcLister();
  const me = (await lister.list()).find((p) => p.pid === process.pid);
  assert.ok(me, 'this test process is listed');
  assert.equal(me.ppid, process.ppid);
  assert.equal(me.zombie, false);
  assert.equal(await lister.identify(process.pid), me.identity);
  assert.ok(Math.abs(me.startTime! - (Date.now() - process.uptime() * 1000)) < 2000, 'start time is near node’s own');
  assert.deepEqual(await lister.commandLine(process.pid), process.argv.slice(0, 1).concat(process.execArgv, process.argv.slice(1)));
  assert.equal(await lister.identify(2 ** 22 + 7), undefined, 'no such pid');
  const rss = process.memoryUsage().rss;
  assert.ok(Math.abs(me.rssBytes! - rss) < rss / 4, `resident size ${me.rssBytes} is near node's own ${rss}`);
});
