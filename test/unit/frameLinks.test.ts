import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { frameLinks } from '../../src/vscode/stacks/frameLinks';

// The links of a Show Stacks document: each frame whose file can be opened.

test('each frame with an absolute file is a link to its line; the function name is not part of it', () => {
  const text = [
    'MainProcess  PID 100 · joining Process-1',
    '  Thread MainThread (main thread, tid 0x7f00)',
    '    File "/x/stuck_lock.py", line 28, in <module>',
    '    File "<frozen importlib._bootstrap>", line 1360, in _find_and_load',
    '    File "C:\\x\\prog.py", line 3, in f',
  ].join('\n');
  const links = frameLinks(text);
  assert.deepEqual(
    links.map(({ line, file, fileLine }) => ({ line, file, fileLine })),
    [
      { line: 2, file: '/x/stuck_lock.py', fileLine: 28 },
      { line: 4, file: 'C:\\x\\prog.py', fileLine: 3 },
    ],
  );
  const first = text.split('\n')[2];
  assert.equal(first.slice(links[0].start, links[0].end), 'File "/x/stuck_lock.py", line 28');
});

test('a frame without a line number, or text that merely mentions a file, is no link', () => {
  assert.deepEqual(frameLinks('    File "/x/a.py", line ?, in f\nsee File "/x/a.py" somewhere'), []);
});
