import * as vscode from 'vscode';
import { describeFilter, parseFilter, ProcessFilter, STATE_FILTERS, stateFilterLabel } from '../../core/filter/processFilter';
import { CommandIds, ContextKeys } from '../constants';
import { ProcessesView } from '../views/processesView';

const t = vscode.l10n.t;

/**
 * Filter Processes: a state (alive only, daemons, zombies…) from a list, or
 * text typed into the same box (a name, a PID, words of the command line).
 * The view's title says what is filtered; Clear Filter shows everything again.
 */
export function registerFilterCommands(view: ProcessesView, treeView: vscode.TreeView<unknown>): vscode.Disposable[] {
  const apply = (filter: ProcessFilter | undefined) => {
    view.filter = filter;
    treeView.description = filter ? describeFilter(filter, t) : undefined;
    void vscode.commands.executeCommand('setContext', ContextKeys.filtered, filter !== undefined);
    return filter;
  };

  // Automation passes the filter itself: a ProcessFilter or what a person would type.
  const filter = async (given?: ProcessFilter | string) => {
    if (given !== undefined) {
      return apply(typeof given === 'string' ? parseFilter(given) : given);
    }
    const picked = await askForFilter(view.filter);
    return picked === undefined ? view.filter : apply(picked ?? undefined);
  };

  return [
    vscode.commands.registerCommand(CommandIds.filter, filter),
    vscode.commands.registerCommand(CommandIds.clearFilter, () => apply(undefined)),
  ];
}

/** undefined: dismissed; null: show everything. */
function askForFilter(current: ProcessFilter | undefined): Promise<ProcessFilter | null | undefined> {
  return new Promise((resolve) => {
    const pick = vscode.window.createQuickPick<vscode.QuickPickItem & { filter: ProcessFilter | null }>();
    pick.title = t('Filter Processes');
    pick.placeholder = t('Choose a state, or type a name, a PID or part of a command line and press Enter');
    pick.value = current?.text ?? '';
    pick.matchOnDescription = true;
    pick.items = [
      ...STATE_FILTERS.map((state) => ({ label: stateFilterLabel(state, t), description: state, filter: { state } })),
      { label: t('Show everything'), filter: null },
    ];
    let done = false;
    const finish = (value: ProcessFilter | null | undefined) => {
      if (!done) {
        done = true;
        resolve(value);
        pick.dispose();
      }
    };
    pick.onDidAccept(() => {
      const chosen = pick.selectedItems[0] ?? pick.activeItems[0];
      // Text that matches no state word is a text filter, not the first item of the list.
      const typed = pick.value.trim();
      const offered = chosen && `${chosen.label} ${chosen.description ?? ''}`.toLowerCase().includes(typed.toLowerCase());
      if (typed && !offered) {
        finish(parseFilter(typed) ?? null);
      } else {
        finish(chosen ? chosen.filter : null);
      }
    });
    pick.onDidHide(() => finish(undefined));
    pick.show();
  });
}
