import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { test } from 'node:test';
import { argumentsFromSetting } from '../../src/core/launch/fileArguments';

const entries = {
  'server.py': '9000 --verbose',
  'tools/load.py': '--rows 10',
  '/srv/jobs/nightly.py': '--dry-run',
  'broken.py': 42,
};

test('a key relative to the workspace folder, with forward slashes', () => {
  assert.equal(argumentsFromSetting(entries, '/home/ana/shop/server.py', '/home/ana/shop', path.posix), '9000 --verbose');
  assert.equal(argumentsFromSetting(entries, '/home/ana/shop/tools/load.py', '/home/ana/shop', path.posix), '--rows 10');
  assert.equal(argumentsFromSetting({ './tools/../server.py': 'x' }, '/home/ana/shop/server.py', '/home/ana/shop', path.posix), 'x');
});

test('an absolute key, also for a file in no workspace folder', () => {
  assert.equal(argumentsFromSetting(entries, '/srv/jobs/nightly.py', '/home/ana/shop', path.posix), '--dry-run');
  assert.equal(argumentsFromSetting(entries, '/srv/jobs/nightly.py', undefined, path.posix), '--dry-run');
  assert.equal(argumentsFromSetting(entries, '/tmp/server.py', undefined, path.posix), undefined);
});

test('no entry, or one that is not a string: no arguments from the setting', () => {
  assert.equal(argumentsFromSetting(entries, '/home/ana/shop/other.py', '/home/ana/shop', path.posix), undefined);
  assert.equal(argumentsFromSetting(entries, '/home/ana/shop/broken.py', '/home/ana/shop', path.posix), undefined);
  assert.equal(argumentsFromSetting(entries, '/home/ana/shop/Server.py', '/home/ana/shop', path.posix), undefined);
});

test('Windows: forward-slash keys and any case match', () => {
  assert.equal(argumentsFromSetting(entries, 'C:\\Users\\ana\\shop\\tools\\Load.py', 'c:\\users\\ana\\shop', path.win32), '--rows 10');
  assert.equal(argumentsFromSetting({ 'D:/jobs/n.py': 'y' }, 'd:\\JOBS\\n.py', undefined, path.win32), 'y');
});
