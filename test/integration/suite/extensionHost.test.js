'use strict';
// Facts about the real extension host this suite runs in (code-server's Node host).

const assert = require('assert');
const vscode = require('vscode');

describe('extension host', () => {
  it('is VS Code 1.100', () => {
    assert.ok(vscode.version.startsWith('1.100'), `vscode.version is ${vscode.version}`);
  });

  it('knows the extension under development', () => {
    // Not activated here on purpose: this only proves the host loaded our package.json.
    const extension = vscode.extensions.getExtension('proclens.proclens');
    assert.ok(extension, 'proclens.proclens is not known to the extension host');
    assert.strictEqual(extension.packageJSON.displayName, 'ProcLens');
  });
});
