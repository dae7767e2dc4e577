import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { splitCommandLine } from '../../src/core/launch/commandLine';

test('splits words, keeping quoted spaces and escapes', () => {
  assert.deepEqual(splitCommandLine('python3 -u  "my server.py" 9000'), ['python3', '-u', 'my server.py', '9000']);
  assert.deepEqual(splitCommandLine(`python3 -c 'print("hi there")'`), ['python3', '-c', 'print("hi there")']);
  assert.deepEqual(splitCommandLine('a\\ b "c\\"d" ""'), ['a b', 'c"d', '']);
  assert.deepEqual(splitCommandLine('python3 程序.py'), ['python3', '程序.py']);
});

test('shell syntax stays literal: nothing here is a shell', () => {
  assert.deepEqual(splitCommandLine('echo hi; rm -rf /tmp/x | cat $(id) *'), ['echo', 'hi;', 'rm', '-rf', '/tmp/x', '|', 'cat', '$(id)', '*']);
});

test('an unclosed quote is an error to show, not a guess', () => {
  assert.throws(() => splitCommandLine('python3 "oops'), /unclosed " quote/);
});
