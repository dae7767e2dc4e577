import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { parseInterpreterAnswer } from '../../src/core/launch/interpreterAnswer';

// What INTERPRETER_QUESTION prints. On Linux and macOS, lines end in \n (captured from a pyenv Python 3.11.7).
const LF = '/home/ana/.pyenv/versions/3.11.7/bin/python3\n3.11.7\n';
// On Windows, Python's text-mode stdout turns each \n into \r\n.
const CRLF = 'C:\\Users\\ana\\AppData\\Local\\Programs\\Python\\Python311\\python.exe\r\n3.11.9\r\n';

test('reads the executable and version from LF output', () => {
  assert.deepEqual(parseInterpreterAnswer(LF), { executable: '/home/ana/.pyenv/versions/3.11.7/bin/python3', version: '3.11.7' });
});

test('reads CRLF output without keeping a \\r in the path or the version', () => {
  assert.deepEqual(parseInterpreterAnswer(CRLF), {
    executable: 'C:\\Users\\ana\\AppData\\Local\\Programs\\Python\\Python311\\python.exe',
    version: '3.11.9',
  });
});

test('keeps spaces that belong to the path', () => {
  const answer = parseInterpreterAnswer('C:\\Program Files\\Python312\\python.exe\r\n3.12.1\r\n');
  assert.equal(answer?.executable, 'C:\\Program Files\\Python312\\python.exe');
});

test('reads the last two lines, after anything a site hook printed first', () => {
  assert.deepEqual(parseInterpreterAnswer('hello from a .pth file\n/usr/bin/python3\n3.12.3\n'), { executable: '/usr/bin/python3', version: '3.12.3' });
});

test('refuses output that is not an answer from Python', () => {
  assert.equal(parseInterpreterAnswer(''), undefined);
  assert.equal(parseInterpreterAnswer('\r\n'), undefined);
  assert.equal(parseInterpreterAnswer('/usr/bin/python3\n'), undefined);
  assert.equal(parseInterpreterAnswer('/usr/bin/python3\nPython 2.7.18\n'), undefined);
  // An empty sys.executable: Python could not tell where it lives, so there is nothing to run.
  assert.equal(parseInterpreterAnswer('\n3.12.3\n'), undefined);
});
