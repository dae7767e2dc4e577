/** Every id the extension contributes; package.json must match (an integration test checks). */
export const ViewIds = {
  container: 'proclens',
  examples: 'proclens.examples',
  processes: 'proclens.processes',
} as const;

export const CommandIds = {
  runExample: 'proclens.runExample',
  openExample: 'proclens.openExample',
  runFile: 'proclens.runFile',
  runFileWithArgs: 'proclens.runFileWithArgs',
  runCommand: 'proclens.runCommand',
  join: 'proclens.join',
  terminate: 'proclens.terminate',
  kill: 'proclens.kill',
  terminateTree: 'proclens.terminateTree',
  stopRun: 'proclens.stopRun',
  rerun: 'proclens.rerun',
  clearExited: 'proclens.clearExited',
  copyPid: 'proclens.copyPid',
  revealSource: 'proclens.revealSource',
  refresh: 'proclens.refresh',
  showOutput: 'proclens.showOutput',
  showTimeline: 'proclens.showTimeline',
  attach: 'proclens.attach',
  filter: 'proclens.filter',
  clearFilter: 'proclens.clearFilter',
  openWalkthrough: 'proclens.openWalkthrough',
  showThreads: 'proclens.showThreads',
  hideThreads: 'proclens.hideThreads',
  showStacks: 'proclens.showStacks',
  takeStacksAgain: 'proclens.takeStacksAgain',
} as const;

/** Context keys set by the extension, read by `when` clauses in package.json. */
export const ContextKeys = {
  filtered: 'proclens.filtered',
  threadsShown: 'proclens.threadsShown',
} as const;

/** `publisher.name#id` of the walkthrough in package.json. */
export const WALKTHROUGH_ID = 'lesson';

export const SETTINGS_SECTION = 'proclens';
