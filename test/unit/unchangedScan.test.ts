import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { modelWithRun, settle, snapshot, startEvent } from './modelFixtures';

// What a scan that finds nothing new costs the views: no notification, so no tree refresh,
// no decoration and no status bar update. 100 sleeping processes are scanned every 2 s for as
// long as they sleep.

test('a scan that finds nothing new emits no change, though every CPU and memory figure moved', async () => {
  const { model, apply, advance } = modelWithRun();
  apply({ kind: 'hello', pid: 100, time: 0, ppid: 1, executable: 'python3', argv: ['burst.py'], pythonVersion: '3.12.1', thread: { tid: 1, nativeId: 100, name: 'MainThread' } });
  for (let pid = 101; pid <= 200; pid++) {
    apply(startEvent(100, pid, `Process-${pid - 100}`));
  }
  apply({ kind: 'join', pid: 100, time: 500, child: 101, phase: 'enter', timeout: null, code: null });
  const listing = (scan: number) =>
    Array.from({ length: 101 }, (_, i) => snapshot(100 + i, i === 0 ? 1 : 100, { threadCount: 1, cpuMs: 40 + scan * 3, rssBytes: (9 + scan) << 20 }));
  model.applyScan(listing(0));
  await settle();
  model.flushNow();
  assert.equal(model.processesOf('r').length, 101);

  let notifications = 0;
  model.on('change', () => notifications++);
  const version = model.version;
  for (let scan = 1; scan <= 10; scan++) {
    advance(2_000);
    model.applyScan(listing(scan));
    await settle();
    model.flushNow();
  }
  assert.equal(notifications, 0);
  assert.equal(model.version, version, 'the tracker slows its scans down only while the version stays');
  assert.equal(model.find('r', 150)!.rssBytes, 19 << 20, 'the figures are read when asked for (tooltips)');
});
