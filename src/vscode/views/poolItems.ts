import * as vscode from 'vscode';
import { PoolRow, PoolNode } from './poolRows';
import { table } from './processItems';

/** A pool's row: always expanded, since it exists only to hold its workers. */
export function poolTreeItem(node: PoolNode, row: PoolRow): vscode.TreeItem {
  const item = new vscode.TreeItem(row.label, vscode.TreeItemCollapsibleState.Expanded);
  item.id = node.id;
  item.description = row.description;
  item.contextValue = row.contextValue;
  // A lost call is the one thing on a pool that needs a person: its result never comes.
  const color = row.lost ? 'charts.red' : row.alive ? 'charts.green' : 'disabledForeground';
  item.iconPath = new vscode.ThemeIcon('server-process', new vscode.ThemeColor(color));
  item.accessibilityInformation = { label: `${row.label}, ${row.description}` };
  return item;
}

export function poolTooltip(row: PoolRow): vscode.MarkdownString {
  return table(row.label, row.details);
}
