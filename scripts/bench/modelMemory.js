'use strict';
// Memory of the process model over a long day: 100,000 processes run through one model (a
// server that starts one process per connection, as in the lesson's §7), each started, booted,
// exited and reaped as the tracer reports it, with an OS listing every 100 processes. Heap is
// measured after a full GC, before and after, with the model's exited-record limit and without.
// Runs in a child node with --expose-gc:  node --expose-gc scripts/bench/modelMemory.js [count]

const path = require('path');
const { ProcessModel, DEFAULT_EXITED_LIMIT } = require(path.join(__dirname, '..', '..', 'out', 'src', 'core', 'model', 'processModel'));

function heapMb() {
  global.gc();
  global.gc();
  return process.memoryUsage().heapUsed / 1048576;
}

function runThrough(count, exitedLimit) {
  let clock = Date.now();
  const model = new ProcessModel({ batchMs: 1, now: () => clock, exitedLimit });
  model.on('change', () => undefined);
  const top = { pid: 100, ppid: 1, name: 'python3', zombie: false, identity: 'top', sessionId: 100, startTime: clock };
  model.addRun({ id: 'r', command: ['python3', 'server.py'], cwd: '/', startedAt: clock, state: 'live' });
  model.programStarted('r', 100, ['python3', 'server.py'], top);
  const before = heapMb();
  for (let i = 0; i < count; i++) {
    clock += 1;
    const pid = 1000 + (i % 30000);
    const apply = (event) => model.applyTracerEvent('r', { pid: 100, time: clock, ...event });
    apply({ kind: 'start', child: pid, name: `Process-${i + 1}`, daemon: false, method: 'fork', target: { name: 'talk', file: '/srv/server.py', line: 12 }, site: { file: '/srv/server.py', line: 27 } });
    apply({ kind: 'boot', pid, ppid: 100, name: `Process-${i + 1}`, daemon: false });
    apply({ kind: 'exit', pid, code: 0 });
    apply({ kind: 'reaped', child: pid, code: 0 });
    if (i % 100 === 99) {
      model.applyScan([top], clock);
      model.flushNow();
    }
  }
  model.flushNow();
  const after = heapMb();
  const kept = model.processesOf('r').length;
  model.dispose();
  return { before, after, kept };
}

function main() {
  const count = Number(process.argv[2] ?? 100_000);
  const limited = runThrough(count, DEFAULT_EXITED_LIMIT);
  const unlimited = runThrough(count, Infinity);
  process.stdout.write(JSON.stringify({ count, limit: DEFAULT_EXITED_LIMIT, limited, unlimited }) + '\n');
}

main();
