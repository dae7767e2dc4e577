import * as vscode from 'vscode';
import { CommandIds, ContextKeys } from '../constants';
import { settings, updateSetting } from '../settings';

/**
 * Show Threads / Hide Threads: one button in the Processes view's title, its
 * icon saying which is on. Both change `proclens.showThreads`, so the choice
 * lasts and Settings shows it; the context key follows the setting.
 */
export function registerThreadCommands(): vscode.Disposable[] {
  const set = (shown: boolean) => updateSetting('showThreads', shown);
  return [
    vscode.commands.registerCommand(CommandIds.showThreads, () => set(true)),
    vscode.commands.registerCommand(CommandIds.hideThreads, () => set(false)),
  ];
}

/** Tells the `when` clauses whether thread rows are on (at start and whenever the setting changes). */
export function updateThreadsContext(): Thenable<unknown> {
  return vscode.commands.executeCommand('setContext', ContextKeys.threadsShown, settings.showThreads);
}
