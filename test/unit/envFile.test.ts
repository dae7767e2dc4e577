import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { parseEnvFile } from '../../src/core/launch/envFile';

// A project's .env as people write them: one rule of the syntax per line or two.
const SAMPLE = [
  '# settings for the worker pool demo',
  '',
  'APP_NAME=proclens-demo',
  'export WORKERS=4',
  '   PORT = 9000   ',
  "GREETING='hello ${APP_NAME} \\n # not a comment'",
  'BANNER="line one\\nline two\\t(tabbed) \\"quoted\\" \\\\ \\${APP_NAME}"',
  'LOG_DIR=${HOME}/logs/${APP_NAME} # where the workers write',
  'URL=http://127.0.0.1:${PORT}/#top',
  'EMPTY=',
  'BLANK_WITH_COMMENT= # nothing set',
  'DB_PASSWORD="s3cr3t" # a comment after the quote',
  'WINDOWS_PATH=C:\\Users\\ana\\data',
  'PRICE=\\${NOT_EXPANDED}',
  'UNKNOWN=${NOT_SET_ANYWHERE}x',
  'ODD=${}${A-B}',
  '',
].join('\n');

const BASE = { HOME: '/home/ana', PATH: '/usr/bin' };

test('reads each rule of a sample .env file', () => {
  const { variables, unreadable } = parseEnvFile(SAMPLE, BASE);
  assert.deepEqual(unreadable, []);
  assert.deepEqual(variables, {
    APP_NAME: 'proclens-demo',
    WORKERS: '4',
    PORT: '9000',
    GREETING: 'hello ${APP_NAME} \\n # not a comment',
    BANNER: 'line one\nline two\t(tabbed) "quoted" \\ ${APP_NAME}',
    LOG_DIR: '/home/ana/logs/proclens-demo',
    URL: 'http://127.0.0.1:9000/#top',
    EMPTY: '',
    BLANK_WITH_COMMENT: '',
    DB_PASSWORD: 's3cr3t',
    WINDOWS_PATH: 'C:\\Users\\ana\\data',
    PRICE: '${NOT_EXPANDED}',
    UNKNOWN: 'x',
    ODD: '${}${A-B}',
  });
});

test('blank lines and # comments set nothing', () => {
  assert.deepEqual(parseEnvFile('\n   \n# A=1\n  # B=2\n\t\n'), { variables: {}, unreadable: [] });
});

test('export in front is dropped; a variable named export is still a variable', () => {
  assert.deepEqual(parseEnvFile('export A=1\nexport   B=2\nexport=3\n').variables, { A: '1', B: '2', export: '3' });
});

test('single quotes keep everything literal', () => {
  assert.deepEqual(parseEnvFile("A='${HOME} \\n \\' # x'").variables, { A: '${HOME} \\n \\' });
  assert.deepEqual(parseEnvFile("A='  spaced  '").variables, { A: '  spaced  ' });
});

test('double quotes read \\n and friends, expand ${NAME}, and keep spaces', () => {
  assert.deepEqual(parseEnvFile('A=x\nB="  ${A}\\n${HOME}  "', BASE).variables, { A: 'x', B: '  x\n/home/ana  ' });
  // An escape it does not know stays as written.
  assert.deepEqual(parseEnvFile('A="\\d+"').variables, { A: '\\d+' });
});

test('an unquoted value is trimmed and loses a trailing comment, but not a # inside a word', () => {
  assert.deepEqual(parseEnvFile('A=  one two  \nB=one #two\nC=one#two\nD=one\t#two').variables, { A: 'one two', B: 'one', C: 'one#two', D: 'one' });
});

test('${NAME} takes an earlier line first, then the base environment, else nothing', () => {
  const text = 'PATH=/opt/tool/bin:${PATH}\nUSER=${USER}-dev\nLATER=${DEFINED_BELOW}\nDEFINED_BELOW=1';
  assert.deepEqual(parseEnvFile(text, { PATH: '/usr/bin', USER: 'ana' }).variables, {
    PATH: '/opt/tool/bin:/usr/bin',
    USER: 'ana-dev',
    LATER: '',
    DEFINED_BELOW: '1',
  });
  // The later line sees the file's value, not the base's.
  assert.deepEqual(parseEnvFile('HOME=/srv\nDATA=${HOME}/data', BASE).variables, { HOME: '/srv', DATA: '/srv/data' });
});

test('a name set twice keeps its last value', () => {
  assert.deepEqual(parseEnvFile('A=1\nA=2').variables, { A: '2' });
});

test('a CRLF file (Notepad, with a BOM) reads as the same file', () => {
  const crlf = '\uFEFF# written on Windows\r\nA=1\r\nB="two"\r\nC=\'three\'\r\nD=four # note\r\n\r\n';
  assert.deepEqual(parseEnvFile(crlf), { variables: { A: '1', B: 'two', C: 'three', D: 'four' }, unreadable: [] });
});

test('lines it cannot read are listed by number, with no text, and the rest still counts', () => {
  const text = [
    'GOOD=1', // 1
    'just some words', // 2
    'MY-NAME=1', // 3
    "OPEN='never closed", // 4
    'ALSO="never closed', // 5
    '"QUOTED"=1', // 6
    "AFTER='a' b", // 7
    'SECRET: hunter2', // 8
    'LAST=2', // 9
  ].join('\r\n');
  const { variables, unreadable } = parseEnvFile(text);
  assert.deepEqual(variables, { GOOD: '1', LAST: '2' });
  assert.deepEqual(
    unreadable.map((u) => u.line),
    [2, 3, 4, 5, 6, 7, 8],
  );
  assert.ok(unreadable.every((u) => !u.reason.includes('hunter2') && !u.reason.includes('never closed')));
});

test('never throws, whatever the bytes', () => {
  for (const text of ['', '=', '==', '${', 'A=${', 'A="\\', "A='", 'A=\\', '\u0000\uFFFF', 'A=${A}${A}', '\r\r\n\n']) {
    assert.doesNotThrow(() => parseEnvFile(text), text);
  }
  assert.deepEqual(parseEnvFile('A=${A}${A}').variables, { A: '' });
  assert.deepEqual(parseEnvFile('A=\\').variables, { A: '\\' });
});
