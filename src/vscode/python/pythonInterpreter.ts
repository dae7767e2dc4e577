import { execFile } from 'node:child_process';
import * as vscode from 'vscode';
import { findExecutable } from '../../core/launch/findExecutable';
import { INTERPRETER_QUESTION, InterpreterAnswer, parseInterpreterAnswer } from '../../core/launch/interpreterAnswer';
import { settings } from '../settings';

/** A Python interpreter that was asked and answered: `executable` is its real path (not a pyenv shim). */
export interface PythonInterpreter {
  readonly executable: string;
  readonly version: string;
  /** Where it came from, for the log. */
  readonly source: string;
}

/** Why no interpreter could be used, in words the person can act on. */
export class PythonNotFound extends Error {}

/**
 * Chooses the interpreter: `proclens.pythonPath`, else the one selected in
 * the Python extension, else `python3` or `python` on PATH. Each candidate is
 * run once, so "not Python" is caught here and a shim resolves to the real file.
 */
export async function findPython(log: vscode.LogOutputChannel): Promise<PythonInterpreter> {
  const candidates: Array<[string, string | undefined]> = [
    ['the proclens.pythonPath setting', settings.pythonPath || undefined],
    ['the Python extension', await fromPythonExtension(log)],
    ['PATH', findExecutable(['python3', 'python'])],
  ];
  const problems: string[] = [];
  let firstTried: string | undefined;
  for (const [source, path] of candidates) {
    if (!path) {
      continue;
    }
    firstTried ??= path;
    try {
      const answer = await ask(path);
      log.info(`Python from ${source}: ${answer.executable} (${answer.version})`);
      return { ...answer, source };
    } catch (error) {
      problems.push(`${path} (${source}): ${error instanceof Error ? error.message : String(error)}`);
      if (source.startsWith('the proclens')) {
        // A setting the person chose that does not work must not be silently replaced.
        break;
      }
    }
  }
  problems.forEach((p) => log.warn(`not a usable Python: ${p}`));
  throw new PythonNotFound(
    firstTried
      ? vscode.l10n.t('"{0}" is not a working Python interpreter. Set "proclens.pythonPath" to one, or select one in the Python extension.', firstTried)
      : vscode.l10n.t('Python was not found. Set "proclens.pythonPath", or install the Python extension and select an interpreter.'),
  );
}

function ask(python: string): Promise<InterpreterAnswer> {
  return new Promise((resolve, reject) => {
    // Windows Python writes to a pipe in the ANSI code page unless told otherwise; a user folder named 张三 must survive.
    const env = { ...process.env, PYTHONIOENCODING: 'utf-8' };
    execFile(python, INTERPRETER_QUESTION, { timeout: 15_000, env }, (error, stdout) => {
      const answer = error ? undefined : parseInterpreterAnswer(stdout);
      if (answer) {
        resolve(answer);
      } else {
        reject(new Error(error ? error.message.split('\n')[0] : 'it did not answer like Python'));
      }
    });
  });
}

async function fromPythonExtension(log: vscode.LogOutputChannel): Promise<string | undefined> {
  if (!vscode.extensions.getExtension('ms-python.python')) {
    return undefined;
  }
  try {
    const { PythonExtension } = await import('@vscode/python-extension');
    const api = await PythonExtension.api();
    const active = api.environments.getActiveEnvironmentPath(vscode.workspace.workspaceFolders?.[0]?.uri);
    const resolved = await api.environments.resolveEnvironment(active);
    return resolved?.executable.uri?.fsPath;
  } catch (error) {
    log.warn(`the Python extension did not name an interpreter: ${String(error)}`);
    return undefined;
  }
}
