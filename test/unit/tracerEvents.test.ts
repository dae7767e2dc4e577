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

test('threads, waits and the stack signal decode; a wait of an unknown kind is refused', () => {
  const hello = decode('{"e":"hello","pid":7,"ppid":1,"t":1.5,"exe":"/usr/bin/python3","argv":["main.py"],"py":"3.13.0","tid":140000,"native":7,"thread":"MainThread","stk":63}');
  assert.deepEqual([hello.kind === 'hello' && hello.thread, hello.kind === 'hello' && hello.stackSignal], [{ tid: 140000, nativeId: 7, name: 'MainThread' }, 63]);
  assert.deepEqual(decode('{"e":"thread","pid":7,"t":2,"tid":140001,"native":8,"name":"Reader","daemon":true,"target":{"name":"read","file":"/x/m.py","line":3}}'), {
    kind: 'thread',
    pid: 7,
    time: 2000,
    tid: 140001,
    nativeId: 8,
    name: 'Reader',
    daemon: true,
    target: { name: 'read', file: '/x/m.py', line: 3 },
  });
  assert.deepEqual(decode('{"e":"thread-end","pid":7,"t":3,"tid":140001,"name":"Reader"}'), { kind: 'thread-end', pid: 7, time: 3000, tid: 140001, name: 'Reader' });
  assert.deepEqual(decode('{"e":"wait","pid":7,"t":4,"tid":140001,"kind":"queue-feeder","call":"Queue._finalize_join","on":"1.0 MB","timeout":null,"site":null,"bytes":1048609}'), {
    kind: 'wait',
    pid: 7,
    time: 4000,
    tid: 140001,
    wait: 'queue-feeder',
    call: 'Queue._finalize_join',
    on: '1.0 MB',
    timeout: null,
    site: null,
    bytes: 1048609,
  });
  assert.deepEqual(decode('{"e":"woke","pid":7,"t":5,"tid":140001}'), { kind: 'woke', pid: 7, time: 5000, tid: 140001 });
  assert.deepEqual(decode('{"e":"stacks","pid":7,"t":6,"stk":null}'), { kind: 'stacks', pid: 7, time: 6000, stackSignal: null });
  assert.deepEqual(decodeTracerLine('{"e":"wait","pid":7,"t":4,"tid":1,"kind":"nap","call":"x"}'), { ok: false, reason: 'wait without tid, a known kind or call' });
  assert.deepEqual(decodeTracerLine('{"e":"stacks","pid":7,"t":6,"stk":9999}'), { ok: true, event: { kind: 'stacks', pid: 7, time: 6000, stackSignal: null } });
});
