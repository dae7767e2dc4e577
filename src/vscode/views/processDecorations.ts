import * as vscode from 'vscode';
import { ProcessModel } from '../../core/model/processModel';
import { ProcessRecord } from '../../core/model/processRecord';
import { HIGHLIGHT_MS, recentChange } from '../../core/model/recentChange';
import { HighlightExpiry } from './highlightExpiry';

const SCHEME = 'proclens-process';

/** Gives a tree row a URI, so this provider can colour it. */
export function processUri(record: ProcessRecord): vscode.Uri {
  return vscode.Uri.from({ scheme: SCHEME, path: `/${encodeURIComponent(record.key)}` });
}

/**
 * Colours a process's row for a few seconds after it starts (green) and after
 * it exits (amber), and marks a deadlocked one with a warning `!` for as long
 * as it lasts. Rows are re-asked only when their process changes, its
 * highlight runs out or its deadlock comes or goes, so a quiet tree costs nothing.
 */
export class ProcessDecorations implements vscode.FileDecorationProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri[]>();
  readonly onDidChangeFileDecorations = this.changed.event;
  private readonly expiry: HighlightExpiry;

  constructor(
    private readonly model: ProcessModel,
    private readonly enabled: () => boolean,
    /** The deadlock found on the process, in one sentence, if any. */
    private readonly problemOf: (record: ProcessRecord) => string | undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.expiry = new HighlightExpiry((keys) => {
      const records = keys.map((key) => this.model.get(key)).filter((r): r is ProcessRecord => r !== undefined);
      if (records.length) {
        this.changed.fire(records.map(processUri));
      }
    }, now);
    model.on('change', ({ processes }) => {
      const now = this.now();
      for (const record of processes) {
        if (recentChange(record, now)) {
          const since = record.endedAt ?? record.startedAt ?? now;
          this.expiry.highlight(record.key, since + HIGHLIGHT_MS);
        }
      }
      if (processes.length) {
        this.changed.fire(processes.map(processUri));
      }
    });
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== SCHEME) {
      return undefined;
    }
    const record = this.model.get(decodeURIComponent(uri.path.slice(1)));
    const problem = record && this.problemOf(record);
    if (problem) {
      // Not subject to highlightChanges: that setting is about colours that come and go by themselves.
      return new vscode.FileDecoration('!', problem, new vscode.ThemeColor('list.warningForeground'));
    }
    if (!this.enabled()) {
      return undefined;
    }
    switch (record && recentChange(record, this.now())) {
      case 'started':
        return new vscode.FileDecoration(undefined, vscode.l10n.t('just started'), new vscode.ThemeColor('proclens.startedHighlight'));
      case 'exited':
        return new vscode.FileDecoration(undefined, vscode.l10n.t('just exited'), new vscode.ThemeColor('proclens.exitedHighlight'));
      default:
        return undefined;
    }
  }

  /** The setting changed: every row is asked again. */
  refreshAll(): void {
    this.changed.fire(this.model.all().map(processUri));
  }

  /** These rows are asked again (their deadlocks changed). */
  refresh(records: readonly ProcessRecord[]): void {
    this.changed.fire(records.map(processUri));
  }

  dispose(): void {
    this.expiry.dispose();
    this.changed.dispose();
  }
}
