import { execFile } from 'node:child_process';
import type { EnvironmentPath, PythonExtension } from '@vscode/python-extension';
import * as vscode from 'vscode';
import { findExecutable } from '../../core/launch/findExecutable';
import { INTERPRETER_QUESTION, InterpreterAnswer, parseInterpreterAnswer } from '../../core/launch/interpreterAnswer';
import { settings } from '../settings';

const t = vscode.l10n.t;

export const PYTHON_EXTENSION_ID = 'ms-python.python';
/** The Python extension's command behind its "Select Interpreter". */
export const SELECT_INTERPRETER_COMMAND = 'python.setInterpreter';
/** The id the Python extension's getActiveEnvironmentPath() gives while nothing is selected (its path is `python`). */
const NOTHING_SELECTED = 'DEFAULT_PYTHON';

/** Where an interpreter came from. */
export type PythonSource = 'setting' | 'pythonExtension' | 'path';

/** A Python interpreter that was asked and answered: `executable` is its real path (not a pyenv shim). */
export interface PythonInterpreter {
  readonly executable: string;
  readonly version: string;
  readonly source: PythonSource;
}

/** Why no interpreter could be used, in words the person can act on, and where it can be fixed. */
export class PythonNotFound extends Error {
  constructor(
    message: string,
    /** `pythonExtension`: the Python extension's selection did not work, select another there. */
    readonly fix: 'setting' | 'pythonExtension' = 'setting',
  ) {
    super(message);
  }
}

/** The Python extension's selection: its executable, or why it has none. */
type Selection = { readonly path: string; readonly executable: string } | { readonly path: string; readonly problem: string };

const SOURCE_FOR_LOG: Record<PythonSource, string> = {
  setting: 'the proclens.pythonPath setting',
  pythonExtension: 'the Python extension',
  path: 'PATH',
};

/**
 * Chooses the interpreter of each run: `proclens.pythonPath`, else the one
 * selected in the Python extension, else `python3` or `python` on PATH. It is
 * chosen again for every run, so a selection changed a moment ago is the one
 * used. The candidate is run once, so "not Python" is caught here and a shim
 * resolves to the real file. A setting or a selection the person made that
 * does not work is an error: another Python is never used in its place.
 */
export class PythonInterpreters implements vscode.Disposable {
  /** The Python extension's change event, followed once ProcLens has used its API (it is active by then). */
  private watching: vscode.Disposable | undefined;

  constructor(private readonly log: vscode.LogOutputChannel) {}

  /** The interpreter for a run of `resource` (a file; else the first workspace folder's). */
  async find(resource?: vscode.Uri): Promise<PythonInterpreter> {
    const setting = settings.pythonPath;
    if (setting) {
      return this.use(setting, 'setting', () => notWorking(setting));
    }
    const selected = await this.selectedInPythonExtension(resource);
    if (selected) {
      const fail = (reason: string) => {
        this.log.warn(`the interpreter selected in the Python extension, ${selected.path}, cannot be used: ${reason}`);
        return new PythonNotFound(
          t('The interpreter selected in the Python extension, "{0}", cannot be used ({1}). Select another interpreter, or set "proclens.pythonPath".', selected.path, reason),
          'pythonExtension',
        );
      };
      if ('problem' in selected) {
        throw fail(selected.problem);
      }
      return this.use(selected.executable, 'pythonExtension', fail);
    }
    const onPath = findExecutable(['python3', 'python']);
    if (!onPath) {
      throw new PythonNotFound(t('Python was not found. Set "proclens.pythonPath", or install the Python extension and select an interpreter.'));
    }
    return this.use(onPath, 'path', () => notWorking(onPath));
  }

  dispose(): void {
    this.watching?.dispose();
    this.watching = undefined;
  }

  /** Asks `python` what it is: the interpreter, or `fail`'s error when it does not answer like Python. */
  private async use(python: string, source: PythonSource, fail: (reason: string) => PythonNotFound): Promise<PythonInterpreter> {
    try {
      const answer = await ask(python);
      this.log.info(`Python from ${SOURCE_FOR_LOG[source]}: ${answer.executable} (${answer.version})`);
      return { ...answer, source };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.log.warn(`not a usable Python: ${python} (${SOURCE_FOR_LOG[source]}): ${reason}`);
      throw fail(reason);
    }
  }

  /**
   * The interpreter selected in the Python extension: undefined when it is not
   * installed, nothing is selected, or its API does not answer (logged). A
   * selection comes with its executable, or with the problem that it has none.
   */
  private async selectedInPythonExtension(resource?: vscode.Uri): Promise<Selection | undefined> {
    if (!vscode.extensions.getExtension(PYTHON_EXTENSION_ID)) {
      return undefined;
    }
    let environments: PythonExtension['environments'];
    let active: EnvironmentPath | undefined;
    try {
      // Loaded only where the Python extension is installed.
      const facade = await import('@vscode/python-extension');
      environments = (await facade.PythonExtension.api()).environments;
      this.watch(environments);
      active = environments.getActiveEnvironmentPath(resource ?? vscode.workspace.workspaceFolders?.[0]?.uri);
    } catch (error) {
      this.log.warn(`the Python extension did not say which interpreter is selected: ${String(error)}`);
      return undefined;
    }
    if (!active?.path || active.id === NOTHING_SELECTED) {
      return undefined;
    }
    try {
      const resolved = await environments.resolveEnvironment(active);
      if (!resolved) {
        return { path: active.path, problem: t('the Python extension cannot find it') };
      }
      const executable = resolved.executable.uri?.fsPath;
      return executable ? { path: active.path, executable } : { path: active.path, problem: t('it has no Python executable') };
    } catch (error) {
      return { path: active.path, problem: error instanceof Error ? error.message : String(error) };
    }
  }

  /** Logs each change of the selection: nothing is kept, the next run asks again. */
  private watch(environments: PythonExtension['environments']): void {
    this.watching ??= environments.onDidChangeActiveEnvironmentPath((change) => {
      const next = change.id === NOTHING_SELECTED ? 'no interpreter' : change.path;
      const used = settings.pythonPath
        ? 'proclens.pythonPath is set, and the next runs still use it'
        : change.id === NOTHING_SELECTED
          ? 'the next runs use python3 or python on PATH'
          : 'the next runs use it';
      this.log.info(`the Python extension now selects ${next}: ${used}`);
    });
  }
}

/** The setting's or PATH's interpreter does not work (the reason is in the log, written by use()). */
const notWorking = (python: string) =>
  new PythonNotFound(t('"{0}" is not a working Python interpreter. Set "proclens.pythonPath" to one, or select one in the Python extension.', python));

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
