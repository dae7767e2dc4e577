import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { commandName, pythonProgramName } from '../../src/core/model/processNames';

test('a command is called after its program, a Python one after its script, never after its last argument', () => {
  assert.equal(commandName(['nonexistent-cmd', '--flag', 'a b']), 'nonexistent-cmd');
  assert.equal(commandName(['/usr/bin/sleep', '30']), 'sleep');
  assert.equal(commandName(['/usr/bin/python3.11', '-u', 'server.py', '9000']), 'server.py');
  assert.equal(commandName(['C:\\Python311\\python.exe', 'child.py'].map((a) => a.replace(/\\/g, '/'))), 'child.py');
  assert.equal(commandName([]), undefined);
  assert.equal(pythonProgramName(['python3', '-m', 'http.server']), 'http.server');
});
