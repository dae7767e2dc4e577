'use strict';
// Uses the API once, as any extension does at load time, and nothing else.
const vscode = require('vscode');

exports.activate = () => ({ language: vscode.env.language });
