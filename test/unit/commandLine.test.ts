import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { splitCommandLine } from '../../src/core/launch/commandLine';

test('splits words, keeping quoted spaces and escapes', () => {
  assert.deepEqual(splitCommandLine('python3 -u  "my server.py" 9000', 'linux'), ['python3', '-u', 'my server.py', '9000']);
  assert.deepEqual(splitCommandLine(`python3 -c 'print("hi there")'`, 'linux'), ['python3', '-c', 'print("hi there")']);
  assert.deepEqual(splitCommandLine('a\\ b "c\\"d" ""', 'linux'), ['a b', 'c"d', '']);
  assert.deepEqual(splitCommandLine('python3 程序.py', 'linux'), ['python3', '程序.py']);
});

test('shell syntax stays literal: nothing here is a shell', () => {
  assert.deepEqual(splitCommandLine('echo hi; rm -rf /tmp/x | cat $(id) *'), ['echo', 'hi;', 'rm', '-rf', '/tmp/x', '|', 'cat', '$(id)', '*']);
});

test('an unclosed quote is an error to show, not a guess', () => {
  assert.throws(() => splitCommandLine('python3 "oops'), /unclosed " quote/);
});

test('POSIX stays the default off Windows: a backslash escapes the next character', () => {
  assert.deepEqual(splitCommandLine('C:\\Users\\me\\a.py', 'linux'), ['C:Usersmea.py']);
  assert.deepEqual(splitCommandLine(`'a b'c`, 'darwin'), ['a bc']);
});

// Typed in the Run Command box on Windows; the expected words are what a C program's argv would get.
test('Windows: backslashes in paths are literal', () => {
  assert.deepEqual(splitCommandLine('"C:\\Program Files\\Python311\\python.exe" "C:\\my dir\\a.py" --x', 'win32'), [
    'C:\\Program Files\\Python311\\python.exe',
    'C:\\my dir\\a.py',
    '--x',
  ]);
  assert.deepEqual(splitCommandLine('py -3 C:\\Users\\me\\a.py \\\\server\\share\\b.py', 'win32'), ['py', '-3', 'C:\\Users\\me\\a.py', '\\\\server\\share\\b.py']);
  assert.deepEqual(splitCommandLine('python C:\\dir\\ x', 'win32'), ['python', 'C:\\dir\\', 'x']);
});

test('Windows: an unquoted space splits, as cmd.exe and CommandLineToArgvW do', () => {
  assert.deepEqual(splitCommandLine('C:\\Program Files\\Python311\\python.exe "C:\\my dir\\a.py" --x', 'win32'), [
    'C:\\Program',
    'Files\\Python311\\python.exe',
    'C:\\my dir\\a.py',
    '--x',
  ]);
});

test('Windows: backslashes before a double quote halve; an odd one escapes the quote', () => {
  assert.deepEqual(splitCommandLine('"a\\\\" b', 'win32'), ['a\\', 'b']); // "a\\" b
  assert.deepEqual(splitCommandLine('a\\"b', 'win32'), ['a"b']); // a\"b
  assert.deepEqual(splitCommandLine('a\\\\\\"b', 'win32'), ['a\\"b']); // a\\\"b
  assert.deepEqual(splitCommandLine('"C:\\my dir\\\\"', 'win32'), ['C:\\my dir\\']); // "C:\my dir\\"
  assert.deepEqual(splitCommandLine('-c "print(\\"hi there\\")"', 'win32'), ['-c', 'print("hi there")']);
  assert.deepEqual(splitCommandLine('a"b c"d "" e', 'win32'), ['ab cd', '', 'e']);
  assert.deepEqual(splitCommandLine('"say ""hi"""', 'win32'), ['say "hi"']); // a doubled quote inside quotes is one quote (MSVC CRT)
});

test('Windows: single quotes are ordinary characters; shell syntax stays literal', () => {
  assert.deepEqual(splitCommandLine(`python -c 'print(1)'`, 'win32'), ['python', '-c', `'print(1)'`]);
  assert.deepEqual(splitCommandLine('echo hi & del x | more %PATH%', 'win32'), ['echo', 'hi', '&', 'del', 'x', '|', 'more', '%PATH%']);
  assert.deepEqual(splitCommandLine('\tpython\t a.py ', 'win32'), ['python', 'a.py']);
});

test('Windows: an unclosed quote is an error too', () => {
  assert.throws(() => splitCommandLine('python "C:\\my dir\\a.py', 'win32'), /unclosed " quote/);
});
