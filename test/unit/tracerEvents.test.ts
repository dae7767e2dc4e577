import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { decodeTracerLine } from '../../src/core/protocol/tracerEvents';

import { REAL_LINES } from './tracerLines';

const decode = (line: string) => {
  const decoded = decodeTracerLine(line);
  assert.ok(decoded.ok, line);
  return decoded.event;
};

test('decodes a real start event with its target and call site', () => {
  assert.deepEqual(decode(REAL_LINES.start), {
    kind: 'start',
    pid: 7076,
    time: 1795920596081,
    child: 7078,
    name: 'quick',
    daemon: false,
    method: 'spawn',
    target: { name: 'work', file: '/repo/test/fixtures/python/every_event.py', line: 12 },
    site: { file: '/repo/test/fixtures/python/every_event.py', line: 19 },
  });
});

test('decodes real hello, boot and exit lines from a child', () => {
  assert.deepEqual(decode(REAL_LINES.hello), {
    kind: 'hello',
    pid: 7078,
    time: 1795920596101,
    ppid: 7076,
    executable: '/usr/bin/python3',
    argv: ['-c', '--multiprocessing-fork'],
    pythonVersion: '3.8.18',
    thread: null,
    stackSignal: null,
  });
  assert.deepEqual(decode(REAL_LINES.boot), { kind: 'boot', pid: 7078, time: 1795920596130, ppid: 7076, name: 'quick', daemon: false });
  assert.deepEqual(decode(REAL_LINES.exit), { kind: 'exit', pid: 7078, time: 1795920596130, code: 0 });
});

test('decodes real join, rename, signal and reaped lines from the parent', () => {
  const parent = { pid: 7076 };
  assert.deepEqual(decode(REAL_LINES.joinEnter), { kind: 'join', ...parent, time: 1795920596081, child: 7078, phase: 'enter', timeout: 5, code: null });
  assert.deepEqual(decode(REAL_LINES.rename), { kind: 'rename', ...parent, time: 1795920596139, child: 7079, name: 'renamed' });
  assert.deepEqual(decode(REAL_LINES.signal), { kind: 'signal', ...parent, time: 1795920596139, child: 7079, signal: 'SIGTERM' });
  assert.deepEqual(decode(REAL_LINES.reaped), { kind: 'reaped', ...parent, time: 1795920596139, child: 7079, code: -15 });
  assert.deepEqual(decode(REAL_LINES.joinLeave), { kind: 'join', ...parent, time: 1795920596139, child: 7079, phase: 'leave', timeout: null, code: -15 });
});

test('refuses malformed lines with a reason, never an exception', () => {
  const bad = [
    '',
    'not json',
    '[1,2]',
    'null',
    '{"e":"start","pid":1}',
    '{"e":"start","pid":-3,"t":1,"child":2,"name":"x"}',
    '{"e":"start","pid":1,"t":1,"child":"2","name":"x"}',
    '{"e":"join","pid":1,"t":1,"child":2,"phase":"sideways"}',
    '{"e":"teleport","pid":1,"t":1}',
    '{"e":"hello","pid":1,"t":1e999}',
  ];
  for (const line of bad) {
    const decoded = decodeTracerLine(line);
    assert.equal(decoded.ok, false, line);
  }
});

test('decodes fork, popen and an os.wait* reaping as the tracer writes them (Python 3.13)', () => {
  const lines = [
    '{"e":"fork","pid":9378,"t":1795922958.160111,"child":9380}',
    '{"e":"reaped","pid":9378,"t":1795922958.160273,"child":9380,"code":3}',
    '{"e":"popen","pid":9378,"t":1795922958.163496,"child":9381,"argv":["/bin/sh","-c","echo hi"]}',
  ];
  const events = lines.map((line) => {
    const decoded = decodeTracerLine(line);
    assert.ok(decoded.ok, line);
    return decoded.event;
  });
  assert.deepEqual(events, [
    { kind: 'fork', pid: 9378, time: 1795922958160, child: 9380 },
    { kind: 'reaped', pid: 9378, time: 1795922958160, child: 9380, code: 3 },
    { kind: 'popen', pid: 9378, time: 1795922958163, child: 9381, argv: ['/bin/sh', '-c', 'echo hi'] },
  ]);
});
