import * as vscode from 'vscode';
import { JoinResult, ProcessControl, SignalResult, StopSignal } from '../../core/control/processControl';
import { describeExitCode } from '../../core/present/exitCodeText';
import { ProcessModel } from '../../core/model/processModel';
import { isAlive, isSignallable, ProcessRecord } from '../../core/model/processRecord';
import { formatDuration, formatExitCode } from '../../core/present/processText';
import { CommandIds } from '../constants';
import { settings } from '../settings';
import { pickProcess } from './pickers';

const t = vscode.l10n.t;

/** Asks a person a question they must answer; resolves to the button chosen, undefined if none. */
export type AskModal = (message: string, ...buttons: string[]) => Thenable<string | undefined>;

export const askModal: AskModal = (message, ...buttons) => vscode.window.showWarningMessage(message, { modal: true }, ...buttons);

/**
 * Join, terminate, kill and the rest, on a tree node or, from the palette, on a picked process.
 * The confirmations are always asked through `ask`: no command argument can answer them, since
 * anything can run a command with any arguments (another extension, a keybinding, a command
 * link in a rendered document).
 */
export function registerProcessCommands(model: ProcessModel, control: ProcessControl, log: vscode.LogOutputChannel, ask: AskModal): vscode.Disposable[] {
  const target = async (node: ProcessRecord | undefined, placeHolder: string, filter: (r: ProcessRecord) => boolean = isAlive) =>
    node ?? (await pickProcess(model, filter, placeHolder));

  const report = (results: SignalResult[]) => {
    for (const result of results) {
      log.info(result.message);
      if (result.outcome !== 'sent') {
        void vscode.window.showWarningMessage(notSentText(result));
      }
    }
    return results;
  };

  const signal = async (node: ProcessRecord | undefined, which: StopSignal, tree: boolean) => {
    // Only what the OS confirmed as part of a run can be signalled: offer nothing else.
    const record = await target(node, which === 'SIGKILL' ? t('Choose a process to kill') : t('Choose a process to terminate'), isSignallable);
    if (!record) {
      return undefined;
    }
    if (model.run(record.runId)?.attached) {
      const send = t('Send {0}', which);
      const answer = await ask(t('ProcLens did not start {0} (PID {1}); it only follows it. Send {2} to it anyway?', record.name, record.pid, which), send);
      if (answer !== send) {
        return undefined;
      }
    } else if (model.os === 'windows' && settings.confirmKill) {
      // Windows has no signals: Terminate and Kill are both TerminateProcess, which ends it at once.
      const button = which === 'SIGKILL' ? t('Kill') : t('Terminate');
      const question =
        which === 'SIGKILL'
          ? t('Kill {0} (PID {1})? On Windows this ends it at once (TerminateProcess): it gets no chance to clean up, and exits with code 1.', record.name, record.pid)
          : t('Terminate {0} (PID {1})? On Windows this ends it at once (TerminateProcess), as Kill does: it gets no chance to clean up, and exits with code 1.', record.name, record.pid);
      if ((await ask(question, button)) !== button) {
        return undefined;
      }
    } else if (which === 'SIGKILL' && settings.confirmKill) {
      const kill = t('Kill');
      const answer = await ask(t('Kill {0} (PID {1})? SIGKILL cannot be caught: it gets no chance to clean up.', record.name, record.pid), kill);
      if (answer !== kill) {
        return undefined;
      }
    }
    return report(tree ? await control.signalTree(record, which) : [await control.signal(record, which)]);
  };

  const join = async (node?: ProcessRecord): Promise<JoinResult | undefined> => {
    const record = await target(node, t('Choose a process to join'));
    if (!record) {
      return undefined;
    }
    const timeoutSeconds = settings.joinTimeoutSeconds;
    const result = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: t('Joining {0} (PID {1})…', record.name, record.pid),
        cancellable: true,
      },
      (_, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        return control.join(record, { timeoutMs: timeoutSeconds !== undefined ? timeoutSeconds * 1000 : undefined, signal: abort.signal });
      },
    );
    const message =
      result.outcome === 'exited'
        ? result.exitCode === null
          ? t('{0} (PID {1}) exited; its exit code is unknown', record.name, record.pid)
          : t('{0} (PID {1}) exited with code {2}', record.name, record.pid, formatExitCode(result.exitCode) + (result.signal ? ` (${result.signal})` : ` (${describeExitCode(result.exitCode, t, model.os)})`))
        : result.outcome === 'timeout'
          ? t('{0} (PID {1}) is still alive after {2}', record.name, record.pid, formatDuration((timeoutSeconds ?? 0) * 1000))
          : t('Stopped waiting for {0} (PID {1})', record.name, record.pid);
    log.info(message);
    void vscode.window.showInformationMessage(message);
    return result;
  };

  const copyPid = async (node?: ProcessRecord) => {
    const record = await target(node, t('Choose a process'), () => true);
    if (record) {
      await vscode.env.clipboard.writeText(String(record.pid));
      vscode.window.setStatusBarMessage(t('Copied PID {0}', record.pid), 3000);
    }
  };

  const revealSource = async (node?: ProcessRecord) => {
    const record = await target(node, t('Choose a process'), (r) => Boolean(r.startSite?.file || r.target?.file));
    const site = record?.startSite?.file ? record.startSite : record?.target;
    if (!site?.file) {
      return;
    }
    const line = Math.max(0, (site.line ?? 1) - 1);
    await vscode.window.showTextDocument(vscode.Uri.file(site.file), { selection: new vscode.Range(line, 0, line, 0) });
  };

  return [
    vscode.commands.registerCommand(CommandIds.join, join),
    // Only the node is read: menus pass the selected nodes next, and nothing else is looked at.
    vscode.commands.registerCommand(CommandIds.terminate, (node?: ProcessRecord) => signal(node, 'SIGTERM', false)),
    vscode.commands.registerCommand(CommandIds.kill, (node?: ProcessRecord) => signal(node, 'SIGKILL', false)),
    vscode.commands.registerCommand(CommandIds.terminateTree, (node?: ProcessRecord) => signal(node, 'SIGTERM', true)),
    vscode.commands.registerCommand(CommandIds.copyPid, copyPid),
    vscode.commands.registerCommand(CommandIds.revealSource, revealSource),
  ];
}

/** Why nothing was sent, in the person's language (the log keeps the core's English). */
function notSentText({ outcome, record, message }: SignalResult): string {
  switch (outcome) {
    case 'exited':
      return t('{0} (PID {1}) has already exited.', record.name, record.pid);
    case 'unconfirmed':
      return t('{0} (PID {1}) was never seen by the OS inside this run, so it was left alone.', record.name, record.pid);
    case 'reused':
      return t('{0} is gone; PID {1} now belongs to another process, which was left alone.', record.name, record.pid);
    case 'not-permitted':
      return t('Not permitted to signal {0} (PID {1}): it belongs to another user.', record.name, record.pid);
    default:
      return message;
  }
}
