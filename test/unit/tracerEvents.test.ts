import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { decodeTracerLine } from '../../src/core/protocol/tracerEvents';

// Lines as the tracer wrote them for a real spawn run (Python 3.11).
const START =
  '{"child":2940,"name":"Process-1","daemon":false,"method":"spawn","target":{"name":"piao","file":"/tmp/tt/prog.py","line":2},"site":{"file":"/tmp/tt/prog.py","line":9},"e":"start","pid":2897,"t":1795867961.576563}';
const HELLO =
  '{"e":"hello","pid":2939,"ppid":2897,"t":1795867961.719762,"exe":"/usr/bin/python3","argv":["/usr/bin/python3","-B","-c","from multiprocessing.resource_tracker import main;main(4)"],"py":"3.11.7"}';

test('decodes a start event with its target and call site', () => {
  const decoded = decodeTracerLine(START);
  assert.ok(decoded.ok);
  assert.deepEqual(decoded.event, {
    kind: 'start',
    pid: 2897,
    time: 1795867961577,
    child: 2940,
    name: 'Process-1',
    daemon: false,
    method: 'spawn',
    target: { name: 'piao', file: '/tmp/tt/prog.py', line: 2 },
    site: { file: '/tmp/tt/prog.py', line: 9 },
  });
});

test('decodes hello, join, reaped, signal, rename, boot and exit', () => {
  const kinds = [
    HELLO,
    '{"child":2942,"phase":"enter","timeout":1,"e":"join","pid":2897,"t":1.5}',
    '{"child":2942,"code":-15,"e":"reaped","pid":2897,"t":1.5}',
    '{"child":2942,"sig":"SIGTERM","e":"signal","pid":2897,"t":1.5}',
    '{"child":2942,"name":"renamed","e":"rename","pid":2897,"t":1.5}',
    '{"ppid":2897,"name":"Process-1","daemon":true,"e":"boot","pid":2940,"t":1.5}',
    '{"code":0,"e":"exit","pid":2940,"t":1.5}',
  ].map((line) => {
    const decoded = decodeTracerLine(line);
    assert.ok(decoded.ok, line);
    return decoded.event.kind;
  });
  assert.deepEqual(kinds, ['hello', 'join', 'reaped', 'signal', 'rename', 'boot', 'exit']);
  const join = decodeTracerLine('{"child":2,"phase":"leave","timeout":null,"code":-15,"e":"join","pid":1,"t":2}');
  assert.ok(join.ok && join.event.kind === 'join' && join.event.code === -15 && join.event.timeout === null);
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
