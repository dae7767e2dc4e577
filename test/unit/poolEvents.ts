import { decodeTracerLine } from '../../src/core/protocol/tracerEvents';
import { modelWithRun } from './modelFixtures';

/**
 * A run of a program like this one, told by the tracer's lines (decoded as the
 * extension decodes them), up to 2.0 s into it:
 *
 *     log = Process(target=keep_log); log.start()              # Process-1, 0.05 s
 *     with Pool(3, maxtasksperchild=2) as pool:                # 0.10 s
 *         late = Process(target=report); late.start()          # Process-2, 0.20 s
 *         pool.map(sq, range(6))
 *
 * ForkPoolWorker-1 runs sq(0) and sq(3), then is replaced (maxtasksperchild) by
 * ForkPoolWorker-4, which runs sq(5) still. ForkPoolWorker-2 runs sq(1), then
 * sq(4), which raises ValueError. ForkPoolWorker-3 is killed running sq(2) and
 * replaced by ForkPoolWorker-5, which has had no task yet.
 */
export const POOL_RUN_LINES = [
  '{"e":"hello","pid":100,"ppid":1,"t":0.0,"exe":"/usr/bin/python3","argv":["python3","squares.py"],"py":"3.12.1"}',
  '{"e":"start","pid":100,"t":0.05,"child":101,"name":"Process-1","daemon":false,"method":"fork","target":{"name":"keep_log","file":"/x/squares.py","line":5},"site":{"file":"/x/squares.py","line":20}}',
  '{"e":"pool","pid":100,"t":0.1,"pool":"100-1","kind":"Pool","size":3,"maxtasks":2}',
  ...[102, 103, 104].map(
    (pid, i) =>
      `{"e":"start","pid":100,"t":${0.1 + i / 100},"child":${pid},"name":"ForkPoolWorker-${i + 1}","daemon":true,"method":"fork","target":{"name":"worker","file":"/usr/lib/python3.12/multiprocessing/pool.py","line":114},"site":null,"pool":"100-1"}`,
  ),
  '{"e":"start","pid":100,"t":0.2,"child":105,"name":"Process-2","daemon":false,"method":"fork","target":{"name":"report","file":"/x/squares.py","line":9},"site":{"file":"/x/squares.py","line":23}}',
  '{"e":"submit","pid":100,"t":0.2,"pool":"100-1","items":6}',
  '{"e":"task","pid":102,"t":0.3,"fn":"sq","args":"0","items":1,"done":0,"failed":0,"ended":null,"error":null}',
  '{"e":"task","pid":103,"t":0.3,"fn":"sq","args":"1","items":1,"done":0,"failed":0,"ended":null,"error":null}',
  '{"e":"task","pid":104,"t":0.3,"fn":"sq","args":"2","items":1,"done":0,"failed":0,"ended":null,"error":null}',
  '{"e":"task","pid":102,"t":0.6,"fn":"sq","args":"3","items":1,"done":1,"failed":0,"ended":0.5,"error":null}',
  '{"e":"task","pid":103,"t":0.7,"fn":"sq","args":"4","items":1,"done":1,"failed":0,"ended":0.6,"error":null}',
  '{"e":"idle","pid":102,"t":0.8,"done":2,"failed":0,"error":null}',
  '{"e":"exit","pid":102,"t":0.81,"code":0}',
  '{"e":"reaped","pid":100,"t":0.85,"child":102,"code":0}',
  '{"e":"start","pid":100,"t":0.86,"child":106,"name":"ForkPoolWorker-4","daemon":true,"method":"fork","target":{"name":"worker","file":"/usr/lib/python3.12/multiprocessing/pool.py","line":114},"site":null,"pool":"100-1"}',
  '{"e":"idle","pid":103,"t":0.9,"done":2,"failed":1,"error":"ValueError"}',
  '{"e":"task","pid":106,"t":0.9,"fn":"sq","args":"5","items":1,"done":0,"failed":0,"ended":null,"error":null}',
  '{"e":"reaped","pid":100,"t":1.0,"child":104,"code":-9}',
  '{"e":"start","pid":100,"t":1.05,"child":107,"name":"ForkPoolWorker-5","daemon":true,"method":"fork","target":{"name":"worker","file":"/usr/lib/python3.12/multiprocessing/pool.py","line":114},"site":null,"pool":"100-1"}',
];

/** The model after POOL_RUN_LINES, with `find(pid)` for its records. */
export function poolRun() {
  const fixture = modelWithRun();
  for (const line of POOL_RUN_LINES) {
    const decoded = decodeTracerLine(line);
    if (!decoded.ok) {
      throw new Error(`${decoded.reason}: ${line}`);
    }
    fixture.apply(decoded.event);
  }
  const find = (pid: number) => fixture.model.find('r', pid)!;
  return { ...fixture, find };
}
