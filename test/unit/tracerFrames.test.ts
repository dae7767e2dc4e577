import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { isTracerFrame } from '../../src/core/stacks/tracerFrames';

test("the tracer's own frames are told apart from the program's and Python's, wherever it is installed", () => {
  const frame = (file: string) => ({ file, line: 1, function: 'f' });
  const files = [
    '/x/examples/stuck_lock.py',
    '/home/me/.vscode/extensions/proclens.proclens-0.1.0/tracer/_proclens_tracer.py',
    'C:\\ext\\tracer\\_proclens_tracer.py',
    '/usr/lib/python3.12/multiprocessing/synchronize.py',
    '/x/not_proclens_tracer.py',
  ];
  assert.deepEqual(files.map((f) => isTracerFrame(frame(f))), [false, true, true, false, false]);
});
