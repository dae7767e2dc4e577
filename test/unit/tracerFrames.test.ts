import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { withoutTracerFrames } from '../../src/core/stacks/tracerFrames';

test('the tracer\'s own frames are left out of a dump, the program\'s and Python\'s stay', () => {
  const frame = (file: string, fn: string) => ({ file, line: 1, function: fn });
  const dump = {
    takenAt: 0,
    threads: [
      {
        tid: 1,
        name: 'MainThread',
        current: true,
        truncated: false,
        frames: [
          frame('/x/examples/stuck_lock.py', 'report'),
          frame('/home/me/.vscode/extensions/proclens.proclens-0.1.0/tracer/_proclens_tracer.py', 'acquire'),
          frame('C:\\ext\\tracer\\_proclens_tracer.py', 'wrapper'),
          frame('/usr/lib/python3.12/multiprocessing/synchronize.py', '__enter__'),
          frame('/x/not_proclens_tracer.py', 'mine'),
        ],
      },
    ],
  };
  assert.deepEqual(
    withoutTracerFrames(dump).threads[0].frames.map((f) => f.function),
    ['report', '__enter__', 'mine'],
  );
  assert.equal(dump.threads[0].frames.length, 5, 'the dump itself is left as it was');
});
