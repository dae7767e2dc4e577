import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { ProcessRecord } from '../../src/core/model/processRecord';
import { catches, parseCaughtSignals } from '../../src/core/scan/procStatus';
import { parseFaulthandlerDump } from '../../src/core/stacks/faulthandlerText';
import { stackFile, takeStacks } from '../../src/core/stacks/stackRequest';
import { recordOf } from './modelFixtures';

/** What Python 3.11's faulthandler wrote for a program with two threads besides the main one (paths shortened). */
const DUMP_311 = `Thread 0x00007f1bda34c6c0 (most recent call first):
  File "/tmp/fh/fh.py", line 12 in blocked
  File "/usr/lib/python3.11/threading.py", line 982 in run
  File "/usr/lib/python3.11/threading.py", line 1045 in _bootstrap_inner
  File "/usr/lib/python3.11/threading.py", line 1002 in _bootstrap

Thread 0x00007f1bdab4d6c0 (most recent call first):
  File "/usr/lib/python3.11/threading.py", line 327 in wait
  File "/usr/lib/python3.11/threading.py", line 629 in wait
  File "/tmp/fh/fh.py", line 6 in worker
  File "/usr/lib/python3.11/threading.py", line 982 in run
  File "/usr/lib/python3.11/threading.py", line 1045 in _bootstrap_inner
  File "/usr/lib/python3.11/threading.py", line 1002 in _bootstrap

Current thread 0x00007f1bdb9fab80 (most recent call first):
  File "/tmp/fh/fh.py", line 15 in <module>
`;

test('a faulthandler dump: every thread, innermost frame last, the current one marked', () => {
  const threads = parseFaulthandlerDump(DUMP_311);
  assert.deepEqual(
    threads.map((t) => [t.tid.toString(16), t.current, t.frames.length, t.truncated]),
    [
      ['7f1bda34c6c0', false, 4, false],
      ['7f1bdab4d6c0', false, 6, false],
      ['7f1bdb9fab80', true, 1, false],
    ],
  );
  assert.deepEqual(threads[1].frames.at(-1), { file: '/usr/lib/python3.11/threading.py', line: 327, function: 'wait' });
  assert.deepEqual(threads[1].frames.at(-3), { file: '/tmp/fh/fh.py', line: 6, function: 'worker' });
  assert.deepEqual(threads[2].frames, [{ file: '/tmp/fh/fh.py', line: 15, function: '<module>' }]);
});

test('a dump cut short, past the depth limit, or with unknown lines still gives what it has', () => {
  const text = 'Thread 0x10 (most recent call first):\n  File "a.py", line ??? in f\n  ...\n\nCurrent thread 0x20 (most recent call first):\n  <no Python frame>\n  File "b.py", li';
  const threads = parseFaulthandlerDump(text);
  assert.deepEqual(threads, [
    { tid: 16, current: false, frames: [{ file: 'a.py', line: null, function: 'f' }], truncated: true },
    { tid: 32, current: true, frames: [], truncated: false },
  ]);
  assert.deepEqual(parseFaulthandlerDump(''), []);
  assert.deepEqual(parseFaulthandlerDump('Fatal Python error: Segmentation fault\n'), []);
});

test('SigCgt: which signals a process handles (bit N−1 for signal N)', () => {
  const status = 'Name:\tpython3\nSigBlk:\t0000000000000000\nSigIgn:\t0000000001001000\nSigCgt:\t0000000400004002\n';
  const mask = parseCaughtSignals(status)!;
  assert.ok(catches(mask, 2), 'SIGINT (Python installs a handler)');
  assert.ok(catches(mask, 15));
  assert.ok(catches(mask, 35), 'the stack signal');
  assert.ok(!catches(mask, 36));
  assert.ok(!catches(mask, 9));
  assert.equal(parseCaughtSignals('Name:\tx\n'), undefined);
});

function pythonRecord(pid: number, extra: Partial<ProcessRecord> = {}): ProcessRecord {
  return recordOf(pid, {
    threads: [
      { tid: 0x7f1bdb9fab80, nativeId: pid, name: 'MainThread', daemon: false, main: true },
      { tid: 0x7f1bdab4d6c0, nativeId: pid + 1, name: 'Waiter', daemon: false, main: false },
    ],
    identity: `start-${pid}`,
    stackSignal: 63,
    ...extra,
  });
}

test('takeStacks signals only a live, confirmed, traced process the OS shows handling the signal', async () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'proclens-stacks-'));
  try {
    const records = [
      pythonRecord(1),
      pythonRecord(2, { identity: undefined }),
      pythonRecord(3),
      pythonRecord(4),
      pythonRecord(5, { stackSignal: null }),
      pythonRecord(6, { state: 'exited' }),
      pythonRecord(7, { python: false, traced: false, kind: 'native' }),
      pythonRecord(8),
    ];
    const killed: Array<[number, number]> = [];
    for (const record of records) {
      fs.writeFileSync(stackFile(folder, record.pid), 'an answer to an earlier request\n');
    }
    const dumps = await takeStacks(records, {
      folder,
      answerMs: 300,
      // PID 3 is now another process; PID 4 exec'd a program without the handler.
      identify: async (pid) => (pid === 3 ? 'someone-else' : `start-${pid}`),
      handlesSignal: async (pid, signal) => pid !== 4 && signal === 63,
      kill: (pid, signal) => {
        killed.push([pid, signal]);
        // PID 8 never answers; the others write their dump as faulthandler would.
        if (pid !== 8) {
          fs.appendFileSync(stackFile(folder, pid), DUMP_311.replace('line 15 in <module>', 'line 15 in <module>\n  File "/opt/ext/tracer/_proclens_tracer.py", line 9 in join').replace(/^(Current thread.*\n)/m, '$1  File "/opt/ext/tracer/_proclens_tracer.py", line 9 in join\n'));
        }
      },
    });
    assert.deepEqual(killed, [[1, 63], [8, 63]]);
    const reasons = records.map((r) => dumps.get(r.key)?.unavailable ?? 'taken');
    assert.deepEqual(reasons, ['taken', 'not-confirmed', 'ended', 'no-handler', 'no-signal', 'ended', 'not-python', 'no-answer']);
    const taken = dumps.get('r:1')!;
    // The main thread first and named; a thread Python did not start has no name.
    assert.deepEqual(
      taken.threads.map((t) => [t.name, t.current, t.frames.length]),
      [
        // The tracer's wrapper frame (innermost here) is left out.
        ['MainThread', true, 1],
        ['Waiter', false, 6],
        [null, false, 4],
      ],
    );
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
});
