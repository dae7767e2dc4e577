import * as path from 'node:path';
import * as vscode from 'vscode';
import { LessonExample } from '../../core/examples/exampleManifest';
import { splitCommandLine } from '../../core/launch/commandLine';
import { ProcessModel } from '../../core/model/processModel';
import { RunRecord } from '../../core/model/processRecord';
import { CommandIds } from '../constants';
import { PythonInterpreter, PythonInterpreters, PythonNotFound, SELECT_INTERPRETER_COMMAND } from '../python/pythonInterpreter';
import { RunArguments } from '../runs/runArguments';
import { readRunEnvironment } from '../runs/runEnvironment';
import { RunRequest, RunSessions } from '../runs/runSessions';
import { runSettings } from '../settings';
import { ExamplesView } from '../views/examplesView';
import { pickExample, pickRun } from './pickers';

const t = vscode.l10n.t;

interface RunCommandContext {
  readonly model: ProcessModel;
  readonly sessions: RunSessions;
  readonly examples: ExamplesView;
  readonly log: vscode.LogOutputChannel;
  readonly pythons: PythonInterpreters;
  /** The workspace state: the arguments each file was last run with. */
  readonly memory: vscode.Memento;
  readonly revealRun: (run: RunRecord) => void;
  readonly refresh: () => Promise<void>;
}

/** Where and with what a Python file runs, beyond the file itself. */
type PythonRun = Omit<RunRequest, 'command' | 'python' | 'pythonVersion' | 'pythonSource'>;

/** Why a typed argument line cannot be split, or undefined when it can. */
function splitProblem(line: string): string | undefined {
  try {
    splitCommandLine(line);
    return undefined;
  } catch (error) {
    return String(error instanceof Error ? error.message : error);
  }
}

/** Starting, stopping and re-running programs. Each returns the run id it started (tests use it). */
export function registerRunCommands(context: RunCommandContext): vscode.Disposable[] {
  const { model, sessions, examples, log } = context;
  const runArguments = new RunArguments(context.memory);

  /**
   * The interpreter to run with, or undefined after telling the person how to set one. `file`: the
   * workspace file to run, whose folder may have its own selection in the Python extension.
   */
  const interpreter = async (file?: vscode.Uri): Promise<PythonInterpreter | undefined> => {
    try {
      return await context.pythons.find(file);
    } catch (error) {
      if (error instanceof PythonNotFound) {
        const select = t('Select Interpreter');
        const open = t('Open Settings');
        const buttons = error.fix === 'pythonExtension' ? [select, open] : [open];
        // Not awaited: the command ends now; the buttons work whenever one is clicked.
        void vscode.window.showErrorMessage(error.message, ...buttons).then((answer) => {
          if (answer === select) {
            void vscode.commands.executeCommand(SELECT_INTERPRETER_COMMAND);
          } else if (answer === open) {
            void vscode.commands.executeCommand('workbench.action.openSettings', 'proclens.pythonPath');
          }
        });
        return undefined;
      }
      throw error;
    }
  };

  const runPython = async (file: string, args: readonly string[], run: PythonRun, ownFile?: vscode.Uri) => {
    const python = await interpreter(ownFile);
    if (!python) {
      return undefined;
    }
    return launch({ ...run, command: [python.executable, file, ...args], python: python.executable, pythonVersion: python.version, pythonSource: python.source });
  };

  const launch = async (request: RunRequest) => {
    const run = await sessions.start(request);
    if (run) {
      context.revealRun(run.record);
    }
    return run?.id;
  };

  const runExample = async (node?: LessonExample | string) => {
    const example = typeof node === 'string' ? examples.examples.find((e) => e.id === node) : (node ?? (await pickExample(examples.examples)));
    if (!example) {
      return undefined;
    }
    const needed = example.needs && examples.examples.find((e) => e.id === example.needs);
    if (needed && !model.runs().some((r) => r.state === 'live' && r.command.some((arg) => arg.endsWith(needed.file)))) {
      const start = t('Start {0} First', needed.file);
      const answer = await vscode.window.showInformationMessage(t('{0} talks to {1}, which is not running.', example.file, needed.file), start, t('Run Anyway'));
      if (answer === start) {
        await runExample(needed);
      } else if (!answer) {
        return undefined;
      }
    }
    // The lesson's programs ship inside the extension, outside every workspace folder, and
    // their notes assume their own folder: they run there, with nothing added, whatever the settings.
    const file = examples.fileOf(example);
    return runPython(file, [], { cwd: path.dirname(file), label: example.file });
  };

  /** The Python document to run: the one given (a menu's), else the active editor's; saved first. */
  const pythonDocument = async (uri?: vscode.Uri) => {
    const document = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
    if (!document || document.languageId !== 'python' || document.uri.scheme !== 'file') {
      void vscode.window.showWarningMessage(t('Open a Python file to run it.'));
      return undefined;
    }
    if (document.isDirty) {
      await document.save();
    }
    return document.uri;
  };

  /**
   * The person's own file: in its workspace folder (or its own, `proclens.runIn`),
   * with the variables of `proclens.envFile` and `proclens.env` added.
   */
  const runOwnFile = async (file: vscode.Uri, args: readonly string[]) => {
    const settings = runSettings(file);
    const fileDirname = path.dirname(file.fsPath);
    // A file in no workspace folder (opened on its own) has only its own folder to run in.
    const workspaceFolder = vscode.workspace.getWorkspaceFolder(file)?.uri.fsPath ?? fileDirname;
    const { env, envFile } = await readRunEnvironment(settings, { workspaceFolder, fileDirname }, log);
    const cwd = settings.runIn === 'fileFolder' ? fileDirname : workspaceFolder;
    return runPython(file.fsPath, args, { cwd, label: path.basename(file.fsPath), env, envFile }, file);
  };

  const runFile = async (uri?: vscode.Uri) => {
    const file = await pythonDocument(uri);
    if (!file) {
      return undefined;
    }
    const line = runArguments.forRun(file, runSettings(file).args) ?? '';
    const problem = splitProblem(line);
    if (problem) {
      // Only a hand-written proclens.args entry gets here: an answer to the question was checked as it was typed.
      const name = path.basename(file.fsPath);
      void vscode.window.showErrorMessage(t('The arguments for {0} in "proclens.args" cannot be read: {1}', name, problem));
      return undefined;
    }
    return runOwnFile(file, splitCommandLine(line));
  };

  const runFileWithArgs = async (uri?: vscode.Uri) => {
    const file = await pythonDocument(uri);
    if (!file) {
      return undefined;
    }
    const name = path.basename(file.fsPath);
    const line = await vscode.window.showInputBox({
      title: t('Run {0} with Arguments', name),
      prompt: t('Arguments for {0} (no shell: quotes group words, nothing else is special)', name),
      value: runArguments.forQuestion(file, runSettings(file).args) ?? '',
      placeHolder: '9000 --verbose',
      validateInput: splitProblem,
      ignoreFocusOut: true,
    });
    if (line === undefined) {
      return undefined;
    }
    // Kept even when empty: "no arguments" is an answer, and the next plain Run must honour it.
    await runArguments.remember(file, line);
    return runOwnFile(file, splitCommandLine(line));
  };

  const runCommand = async () => {
    const line = await vscode.window.showInputBox({
      prompt: t('A command to run under ProcLens (no shell: quotes group words, nothing else is special)'),
      placeHolder: 'python3 -u server.py 9000',
      validateInput: (value) => {
        try {
          return splitCommandLine(value).length ? undefined : t('Type a command');
        } catch (error) {
          return String(error instanceof Error ? error.message : error);
        }
      },
    });
    if (!line) {
      return undefined;
    }
    const command = splitCommandLine(line);
    const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
    return launch({ command, cwd, label: path.basename(command[0]) });
  };

  const runOf = async (node: RunRecord | undefined, live: boolean) => node ?? (await pickRun(model, live, (r) => sessions.label(r)));

  return [
    vscode.commands.registerCommand(CommandIds.runExample, runExample),
    vscode.commands.registerCommand(CommandIds.openExample, async (node?: LessonExample) => {
      const example = node ?? (await pickExample(examples.examples));
      if (example) {
        await vscode.window.showTextDocument(vscode.Uri.file(examples.fileOf(example)), { preview: true });
      }
    }),
    vscode.commands.registerCommand(CommandIds.runFile, runFile),
    vscode.commands.registerCommand(CommandIds.runFileWithArgs, runFileWithArgs),
    vscode.commands.registerCommand(CommandIds.runCommand, runCommand),
    vscode.commands.registerCommand(CommandIds.stopRun, async (node?: RunRecord) => {
      const run = await runOf(node, true);
      if (run) {
        await sessions.stop(run.id);
      }
    }),
    vscode.commands.registerCommand(CommandIds.rerun, async (node?: RunRecord) => {
      const run = await runOf(node, false);
      const request = run && sessions.request(run.id);
      if (!request) {
        return undefined;
      }
      // The same request, variables and all: Run Again repeats the run, it does not read the settings again.
      // Field by field, since a run restored after a reload also carries its old pid.
      const { command, cwd, label, env, envFile, python, pythonVersion, pythonSource } = request;
      return launch({ command: [...command], cwd, label, env, envFile, python, pythonVersion, pythonSource });
    }),
    vscode.commands.registerCommand(CommandIds.clearExited, (node?: RunRecord) => {
      const finished = model.runs().filter((r) => r.state === 'finished' && (!node || r.id === node.id));
      model.clearExited(node?.id);
      sessions.forget(finished.map((r) => r.id));
    }),
    vscode.commands.registerCommand(CommandIds.refresh, context.refresh),
    vscode.commands.registerCommand(CommandIds.showOutput, () => log.show()),
  ];
}
