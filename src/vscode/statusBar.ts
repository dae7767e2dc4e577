import * as vscode from 'vscode';
import { ProcessModel } from '../core/model/processModel';
import { isAlive } from '../core/model/processRecord';
import { ViewIds } from './constants';

/** The number of live processes of all runs; hidden while there are none. Click: the view. */
export function createStatusBarItem(model: ProcessModel): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('proclens.live', vscode.StatusBarAlignment.Left, 50);
  item.name = 'ProcLens';
  item.command = `${ViewIds.processes}.focus`;
  const update = () => {
    const live = model.all().filter(isAlive).length;
    item.text = `$(type-hierarchy) ${live}`;
    item.tooltip = vscode.l10n.t('ProcLens: {0} live processes', live);
    if (live > 0) {
      item.show();
    } else {
      item.hide();
    }
  };
  model.on('change', update);
  update();
  return new vscode.Disposable(() => {
    model.off('change', update);
    item.dispose();
  });
}
