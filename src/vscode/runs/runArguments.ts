import * as vscode from 'vscode';
import { argumentsFromSetting } from '../../core/launch/fileArguments';

const REMEMBERED_KEY = 'proclens.fileArguments';

/**
 * The argument line of a file's runs: its `proclens.args` entry, and the last
 * answer given to Run Python File with Arguments…, kept per file in the
 * workspace state (so it survives a reload, and stays with the workspace).
 */
export class RunArguments {
  constructor(private readonly memory: vscode.Memento) {}

  /** A plain Run: the setting's entry, else the last answer, else none. */
  forRun(file: vscode.Uri, entries: Readonly<Record<string, unknown>>): string | undefined {
    return this.fromSetting(file, entries) ?? this.remembered(file);
  }

  /** What Run with Arguments… offers: the last answer, else the setting's entry. */
  forQuestion(file: vscode.Uri, entries: Readonly<Record<string, unknown>>): string | undefined {
    return this.remembered(file) ?? this.fromSetting(file, entries);
  }

  async remember(file: vscode.Uri, line: string): Promise<void> {
    await this.memory.update(REMEMBERED_KEY, { ...this.all(), [file.fsPath]: line });
  }

  fromSetting(file: vscode.Uri, entries: Readonly<Record<string, unknown>>): string | undefined {
    return argumentsFromSetting(entries, file.fsPath, vscode.workspace.getWorkspaceFolder(file)?.uri.fsPath);
  }

  private remembered(file: vscode.Uri): string | undefined {
    const line = this.all()[file.fsPath];
    return typeof line === 'string' ? line : undefined;
  }

  private all(): Readonly<Record<string, unknown>> {
    return this.memory.get<Record<string, unknown>>(REMEMBERED_KEY, {});
  }
}
