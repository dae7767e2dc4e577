import * as vscode from 'vscode';
import { Diagnosis } from '../../core/diagnosis/deadlocks';
import { ProcessRecord, ThreadRecord } from '../../core/model/processRecord';
import { formatDuration } from '../../core/present/processText';
import { diagnosisText, NameOf } from '../../core/present/waitText';
import { table } from './processItems';
import { threadDescription, threadDetails, threadState } from './threadRows';

const t = vscode.l10n.t;

/** A thread of a process. The same object each time for the same thread, so its row alone can be redrawn. */
export interface ThreadNode {
  readonly row: 'thread';
  readonly id: string;
  readonly process: ProcessRecord;
  readonly thread: ThreadRecord;
}

/** `3 native threads`, `12 earlier threads ended`: threads counted, not listed. */
export interface CountNode {
  readonly row: 'native-threads' | 'earlier-threads';
  readonly process: ProcessRecord;
  readonly count: number;
}

/** A deadlock found on this process (see RunDiagnoses): the first row under it. */
export interface DiagnosisNode {
  readonly row: 'diagnosis';
  readonly id: string;
  readonly process: ProcessRecord;
  readonly diagnosis: Diagnosis;
}

/** The rows under a process that are not processes. */
export type DetailNode = ThreadNode | CountNode | DiagnosisNode;

export function threadTreeItem(node: ThreadNode, joiningName: string | undefined, now: number): vscode.TreeItem {
  const { process, thread } = node;
  const item = new vscode.TreeItem(thread.name, vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  item.description = threadDescription(process, thread, joiningName, now, t);
  const state = threadState(process, thread);
  const color = (id: string) => new vscode.ThemeColor(id);
  switch (state) {
    case 'ended':
      item.iconPath = new vscode.ThemeIcon('circle-small', color('disabledForeground'));
      break;
    case 'waiting':
    case 'joining':
      // Blocked, like a process in join(): the same watch.
      item.iconPath = new vscode.ThemeIcon('watch', color('charts.blue'));
      break;
    case 'alive':
      item.iconPath = new vscode.ThemeIcon('circle-small-filled', color('charts.green'));
      break;
  }
  // thread.alive | thread.ended, then .main and .daemon.
  item.contextValue = ['thread', state === 'ended' ? 'ended' : 'alive', thread.main ? 'main' : '', thread.daemon ? 'daemon' : ''].filter(Boolean).join('.');
  item.accessibilityInformation = { label: `${thread.name}, ${item.description}` };
  return item;
}

export function threadTooltip(thread: ThreadRecord): vscode.MarkdownString {
  return table(thread.name, threadDetails(thread, t));
}

export function countTreeItem(node: CountNode): vscode.TreeItem {
  const { process } = node;
  const item = new vscode.TreeItem(countLabel(node), vscode.TreeItemCollapsibleState.None);
  item.id = `${process.key}/${node.row}`;
  item.contextValue = node.row;
  if (node.row === 'native-threads') {
    item.description = t('not started by threading');
    item.iconPath = new vscode.ThemeIcon('chip', new vscode.ThemeColor('disabledForeground'));
    item.tooltip = t(
      'Threads the OS counts in this process beyond those Python started with threading: threads of C extensions or libraries (a BLAS pool, a database driver). They have no Python stack, and what they wait for cannot be told.',
    );
  } else {
    item.iconPath = new vscode.ThemeIcon('history', new vscode.ThemeColor('disabledForeground'));
    item.tooltip = t('Threads of this process that ended before the last few shown here.');
  }
  return item;
}

function countLabel({ row, count }: CountNode): string {
  if (row === 'native-threads') {
    return count === 1 ? t('1 native thread') : t('{0} native threads', count);
  }
  return count === 1 ? t('1 earlier thread ended') : t('{0} earlier threads ended', count);
}

export function diagnosisTreeItem(node: DiagnosisNode, nameOf: NameOf): vscode.TreeItem {
  const { problem, fix } = diagnosisText(node.diagnosis, nameOf, t);
  const item = new vscode.TreeItem(problem, vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  item.description = fix;
  item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
  item.contextValue = `diagnosis.${node.diagnosis.kind}`;
  item.accessibilityInformation = { label: `${problem} ${fix}` };
  return item;
}

export function diagnosisTooltip(node: DiagnosisNode, nameOf: NameOf, now: number): vscode.MarkdownString {
  const { problem, fix } = diagnosisText(node.diagnosis, nameOf, t);
  const since = node.diagnosis.since;
  return table(problem, [
    [t('Fix'), fix],
    [t('Stuck since'), `${new Date(since).toLocaleTimeString()} (${formatDuration(Math.max(0, now - since))})`],
  ]);
}
