import * as path from 'node:path';
import * as vscode from 'vscode';
import { LessonExample } from '../../core/examples/exampleManifest';
import { splitCommandLine } from '../../core/launch/commandLine';
import { ProcessModel } from '../../core/model/processModel';
import { RunRecord } from '../../core/model/processRecord';
import { CommandIds } from '../constants';
import { findPython, PythonNotFound } from '../python/pythonInterpreter';
import { RunSessions } from '../runs/runSessions';
import { ExamplesView } from '../views/examplesView';
import { pickExample, pickRun } from './pickers';

const t = vscode.l10n.t;

interface RunCommandContext {
  readonly model: ProcessModel;
  readonly sessions: RunSessions;
  readonly examples: ExamplesView;
  readonly log: vscode.LogOutputChannel;
  readonly revealRun: (run: RunRecord) => void;
  readonly refresh: () => Promise<void>;
}

/** Starting, stopping and re-running programs. Each returns the run id it started (tests use it). */
export function registerRunCommands(context: RunCommandContext): vscode.Disposable[] {
  const { model, sessions, examples, log } = context;

  const runPython = async (file: string, args: string[], label: string) => {
    let python;
    try {
      python = await findPython(log);
    } catch (error) {
      if (error instanceof PythonNotFound) {
        const open = t('Open Settings');
        // Not awaited: the command ends now; the button works whenever it is clicked.
        void vscode.window.showErrorMessage(error.message, open).then((answer) => {
          if (answer === open) {
            void vscode.commands.executeCommand('workbench.action.openSettings', 'proclens.pythonPath');
          }
        });
        return undefined;
      }
      throw error;
    }
    return launch([python.executable, file, ...args], path.dirname(file), label);
  };

  const launch = async (command: string[], cwd: string, label: string) => {
    const run = await sessions.start({ command, cwd, label });
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
    return runPython(examples.fileOf(example), [], example.file);
  };

  const runFile = async (uri?: vscode.Uri) => {
    const document = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
    if (!document || document.languageId !== 'python' || document.uri.scheme !== 'file') {
      void vscode.window.showWarningMessage(t('Open a Python file to run it.'));
      return undefined;
    }
    if (document.isDirty) {
      await document.save();
    }
    return runPython(document.uri.fsPath, [], path.basename(document.uri.fsPath));
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
    return launch(command, cwd, path.basename(command[0]));
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
      return request ? launch([...request.command], request.cwd, request.label) : undefined;
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
