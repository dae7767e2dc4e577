import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { ProcessRecord, RunRecord, WaitSpan } from '../../src/core/model/processRecord';
import { plainText } from '../../src/core/present/processText';
import { presentTimeline } from '../../src/core/timeline/timelineView';
import { TimelineSent, WireView } from '../../src/core/timeline/timelineWire';

const T = 1_700_000_000_000;
const run: RunRecord = { id: 'r', command: ['python3', 'main.py'], cwd: '/', startedAt: T, state: 'live' };

const wait = (tid: number, enteredAt: number, leftAt?: number): WaitSpan => ({
  tid,
  kind: 'queue-get',
  call: 'Queue.get',
  on: null,
  timeout: null,
  site: null,
  bytes: null,
  enteredAt: T + enteredAt,
  ...(leftAt !== undefined ? { leftAt: T + leftAt } : {}),
});

/** A worker whose main thread took three items and waits for a fourth, and whose other thread waited once. */
function worker(): ProcessRecord {
  return {
    key: 'r:100',
    runId: 'r',
    pid: 100,
    seenAt: T,
    name: 'MainProcess',
    formerNames: [],
    kind: 'program',
    python: true,
    daemon: false,
    state: 'running',
    orphan: false,
    traced: true,
    signalsRequested: [],
    joins: [],
    startedAt: T,
    threads: [
      { tid: 1, nativeId: 100, name: 'MainThread', daemon: false, main: true },
      { tid: 2, nativeId: 101, name: 'helper', daemon: true, main: false, startedAt: T },
    ],
    waits: [wait(1, 10, 20), wait(1, 30, 40), wait(2, 35, 45), wait(1, 50, 60), wait(1, 70)],
  };
}

const present = (records: ProcessRecord[], now = T + 1000) => presentTimeline(run, records, now, 'main.py', plainText, { threads: true });
/** Each call as it travels: `id` alone, or `{call}` in full (open ones marked). */
const shapes = (view: WireView) => ({
  main: view.lanes[0].waits.map((w) => (typeof w === 'number' ? 'id' : w.open ? 'open' : 'full')),
  helper: view.lanes[0].threads[0].waits.map((w) => (typeof w === 'number' ? 'id' : w.open ? 'open' : 'full')),
});

test('an ended call is sent in full once, then as its id; an open one always in full', () => {
  const record = worker();
  const sent = new TimelineSent();
  const first = sent.pack(present([record]));
  assert.deepEqual(shapes(first), { main: ['full', 'full', 'full', 'open'], helper: ['full'] });
  assert.deepEqual(first.lanes[0].waits[0], present([record]).lanes[0].waits[0], 'in full: the call as presented');

  const again = sent.pack(present([record], T + 2000));
  assert.deepEqual(shapes(again), { main: ['id', 'id', 'id', 'open'], helper: ['id'] });
  assert.deepEqual(again.lanes[0].waits.slice(0, 3), present([record]).lanes[0].waits.slice(0, 3).map((w) => w.id));

  // The open call returns: now it is sent in full once more, as ended.
  record.waits[4].leftAt = T + 1500;
  assert.deepEqual(shapes(sent.pack(present([record], T + 2000))), { main: ['id', 'id', 'id', 'full'], helper: ['id'] });
});

test('a page loaded anew gets everything; a call the model forgot is forgotten, and sent in full if named again', () => {
  const record = worker();
  const sent = new TimelineSent();
  sent.pack(present([record]));
  sent.reset();
  assert.deepEqual(shapes(sent.pack(present([record]))), { main: ['full', 'full', 'full', 'open'], helper: ['full'] });

  const oldest = record.waits.shift()!;
  assert.deepEqual(shapes(sent.pack(present([record]))).main, ['id', 'id', 'open']);
  // Never in practice (the model forgets for good), but the page forgot it too: it must come in full.
  record.waits.unshift(oldest);
  assert.deepEqual(shapes(sent.pack(present([record]))).main, ['full', 'id', 'id', 'open']);
});
