import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { test } from 'node:test';
import { substituteSettingVariables } from '../../src/core/launch/settingVariables';

const places = { workspaceFolder: '/home/ana/shop', fileDirname: '/home/ana/shop/tools' };

test('the default envFile names the workspace folder', () => {
  assert.equal(substituteSettingVariables('${workspaceFolder}/.env', places, path.posix), '/home/ana/shop/.env');
});

test('the folder name and the file folder, each as often as written', () => {
  assert.equal(substituteSettingVariables('${fileDirname}/${workspaceFolderBasename}.env', places, path.posix), '/home/ana/shop/tools/shop.env');
  assert.equal(substituteSettingVariables('${workspaceFolder}:${workspaceFolder}', places, path.posix), '/home/ana/shop:/home/ana/shop');
});

test('any other ${...} stays as written', () => {
  assert.equal(substituteSettingVariables('${env:HOME}/${userHome}/${file}/$HOME/${toString}', places, path.posix), '${env:HOME}/${userHome}/${file}/$HOME/${toString}');
});

test('Windows folders keep their backslashes', () => {
  const windows = { workspaceFolder: 'C:\\Users\\ana\\shop', fileDirname: 'C:\\Users\\ana\\shop' };
  assert.equal(substituteSettingVariables('${workspaceFolderBasename}', windows, path.win32), 'shop');
});
