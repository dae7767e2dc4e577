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
} as const;

export const SETTINGS_SECTION = 'proclens';
