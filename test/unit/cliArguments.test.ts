import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { parseCliArguments } from '../../src/cli/cliArguments';

test('run with options and a command after --', () => {
  assert.deepEqual(parseCliArguments(['run', '--python', '/usr/bin/python3', '--json=out.jsonl', '--', 'main.py', '--flag']), {
    kind: 'run',
    run: { python: '/usr/bin/python3', jsonFile: 'out.jsonl', command: ['main.py', '--flag'] },
  });
  assert.deepEqual(parseCliArguments(['run', '--interval=100', '--lister', 'ps-list', 'x.py']), {
    kind: 'run',
    run: { intervalMs: 100, lister: 'ps-list', command: ['x.py'] },
  });
});

test('help, version and mistakes', () => {
  assert.equal(parseCliArguments([]).kind, 'help');
  assert.equal(parseCliArguments(['run', '--help']).kind, 'help');
  assert.equal(parseCliArguments(['--version']).kind, 'version');
  assert.deepEqual(parseCliArguments(['walk']), { kind: 'error', message: 'unknown command "walk"' });
  assert.equal(parseCliArguments(['run', '--']).kind, 'error');
  assert.equal(parseCliArguments(['run', '--python']).kind, 'error');
  assert.equal(parseCliArguments(['run', '--interval', 'soon', '--', 'x']).kind, 'error');
  assert.equal(parseCliArguments(['run', '--lister', 'top', '--', 'x']).kind, 'error');
  assert.equal(parseCliArguments(['run', '--colour', '--', 'x']).kind, 'error');
});

test('--timeout takes seconds, fractions included; nothing else', () => {
  assert.deepEqual(parseCliArguments(['run', '--timeout', '5', '--', 'x.py']), { kind: 'run', run: { timeoutSeconds: 5, command: ['x.py'] } });
  assert.deepEqual(parseCliArguments(['run', '--timeout=0.5', 'x.py']), { kind: 'run', run: { timeoutSeconds: 0.5, command: ['x.py'] } });
  for (const bad of ['0', '-1', 'soon', '']) {
    assert.deepEqual(parseCliArguments(['run', `--timeout=${bad}`, '--', 'x']), { kind: 'error', message: '--timeout needs a number of seconds' }, bad);
  }
});
