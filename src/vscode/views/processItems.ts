import * as vscode from 'vscode';
import { Diagnosis } from '../../core/diagnosis/deadlocks';
import { OsFamily } from '../../core/model/exitCodes';
import { describeExitCode, signalRequestText } from '../../core/present/exitCodeText';
import { listerLimits } from '../../core/present/listerText';
import { isAlive, isConfirmed, PoolRecord, ProcessRecord, RunLister, RunRecord } from '../../core/model/processRecord';
import { currentWait, liveThreads } from '../../core/model/threadsAndWaits';
import { helperPurpose } from '../../core/present/poolText';
import { formatExitCode, lifetimeText, processDescription, runStateText, startedText } from '../../core/present/processText';
import { diagnosisText, NameOf, waitText } from '../../core/present/waitText';
import type { PythonSource } from '../python/pythonInterpreter';
import { RunRequest } from '../runs/runSessions';
import { since, workerDetails } from './poolRows';
import { processUri } from './processDecorations';
import { shortSite } from './threadRows';

const t = vscode.l10n.t;

/** A codicon and theme colour per state, so state reads at a glance in any theme. */
function processIcon(record: ProcessRecord): vscode.ThemeIcon {
  const color = (id: string) => new vscode.ThemeColor(id);
  switch (record.state) {
    case 'running':
      if (currentWait(record)) {
        // Blocked in a call, like a process in join(): the same watch.
        return new vscode.ThemeIcon('watch', color('charts.blue'));
      }
      if (record.kind === 'helper') {
        return new vscode.ThemeIcon('gear', color('charts.green'));
      }
      return new vscode.ThemeIcon(record.kind === 'native' ? 'terminal' : 'circle-filled', color('charts.green'));
    case 'joining':
      return new vscode.ThemeIcon('watch', color('charts.blue'));
    case 'exiting':
      return new vscode.ThemeIcon('loading~spin', color('charts.green'));
    case 'zombie':
      return new vscode.ThemeIcon('warning', color('charts.yellow'));
    case 'exited':
      if (record.signal) {
        return new vscode.ThemeIcon('circle-slash', color('charts.orange'));
      }
      return record.exitCode === 0 || record.exitCode === null
        ? new vscode.ThemeIcon('pass', color('disabledForeground'))
        : new vscode.ThemeIcon('error', color('charts.red'));
  }
}

/**
 * `process.alive`, `process.joining`, `process.exiting`, `process.zombie`,
 * `process.exited`, then `.daemon`, `.source` (a start() call site or
 * target is known) and `.stacks` (its tracer can dump its stacks now): menus
 * match these. A live process the OS has not confirmed as part of its run
 * reads `process.unconfirmed.alive`, so that no signal menu matches it.
 */
export function processContextValue(record: ProcessRecord): string {
  const state = record.state === 'running' ? 'alive' : record.state;
  const unconfirmed = isAlive(record) && !isConfirmed(record) ? 'unconfirmed' : '';
  const stacks = isAlive(record) && record.traced && typeof record.stackSignal === 'number' ? 'stacks' : '';
  return ['process', unconfirmed, state, record.daemon ? 'daemon' : '', record.startSite || record.target ? 'source' : '', stacks]
    .filter(Boolean)
    .join('.');
}

/** `now` makes a blocked process say what it waits for, and for how long. */
export function processTreeItem(record: ProcessRecord, joiningName: string | undefined, hasChildren: boolean, now: number): vscode.TreeItem {
  const item = new vscode.TreeItem(record.name, hasChildren ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
  item.id = record.key;
  item.description = processDescription(record, joiningName, t, now);
  item.iconPath = processIcon(record);
  item.contextValue = processContextValue(record);
  // Only so that ProcessDecorations can colour the row; the label and icon stay ours.
  item.resourceUri = processUri(record);
  item.accessibilityInformation = { label: `${record.name}, ${item.description}` };
  return item;
}

/** What the hover of a process row says beyond the record itself. */
export interface TooltipContext {
  readonly parent: ProcessRecord | undefined;
  readonly now: number;
  /** Its deadlocks (RunDiagnoses). */
  readonly diagnoses: readonly Diagnosis[];
  readonly nameOf: NameOf;
  /** For a pool's worker: its pool, and the process that created it. */
  readonly pool?: { readonly record: PoolRecord; readonly creator: ProcessRecord | undefined };
  /** The OS the run's programs run on: what an exit code or a signal means there. */
  readonly os: OsFamily;
  /** The lister its run was scanned with: what it cannot see is said where it matters. */
  readonly lister?: RunLister;
}

/** Every field, for the hover: resolved only when a person hovers, so it costs nothing per update. */
export function processTooltip(record: ProcessRecord, { parent, now, diagnoses, nameOf, pool, os, lister }: TooltipContext): vscode.MarkdownString {
  const wait = currentWait(record);
  const joinedAt = record.state === 'joining' ? record.joins.at(-1)?.enteredAt : undefined;
  const sinceThen = (time: number | undefined) => (time !== undefined ? since(time, now) : undefined);
  const problems = diagnoses.map((d) => diagnosisText(d, nameOf, t));
  const rows: Array<[string, string | undefined]> = [
    ...problems.flatMap(({ problem, fix }): Array<[string, string]> => [
      [t('Problem'), problem],
      [t('Fix'), fix],
    ]),
    [t('PID'), String(record.pid)],
    [t('Parent'), parent ? `${parent.name} (PID ${parent.pid})` : record.parentPid !== undefined ? `PID ${record.parentPid}` : undefined],
    [t('OS parent now'), record.ppid !== undefined && record.ppid !== record.parentPid ? `PID ${record.ppid}` : undefined],
    [t('Name'), record.formerNames.length ? `${record.name} (${t('was')} ${record.formerNames.join(', ')})` : record.name],
    [t('Kind'), kindText(record)],
    [t('Role'), helperPurpose(record, t)],
    [t('Daemon'), record.kind === 'mp-child' ? (record.daemon ? t('yes') : t('no')) : undefined],
    [t('Start method'), record.startMethod],
    [t('Target'), record.target ? `${record.target.name}${record.target.file ? ` (${shortSite(record.target)})` : ''}` : undefined],
    [t('Started at'), shortSite(record.startSite)],
    ...workerDetails(record, pool?.record, pool?.creator, now, t),
    [t('Command line'), record.commandLine?.join(' ')],
    [t('Python'), record.pythonVersion],
    [t('Started'), startedText(record, t)],
    [t('Lifetime'), lifetimeText(record, now)],
    [t('Exit code'), exitCodeText(record, os)],
    [t('Signals asked for'), record.signalsRequested.length ? record.signalsRequested.map((s) => `${signalRequestText(s.signal, t, os)} ${t('by')} ${s.by === 0 ? 'ProcLens' : `PID ${s.by}`}`).join(', ') : undefined],
    [t('CPU'), record.cpuPercent !== undefined ? `${record.cpuPercent.toFixed(1)} %` : undefined],
    [t('Memory'), record.rssBytes !== undefined ? `${(record.rssBytes / 1048576).toFixed(1)} MiB` : undefined],
    [t('Orphan'), record.orphan ? t('its parent ended first') : undefined],
    [t('Exiting'), record.state === 'exiting' ? exitingText(record) : undefined],
    [t('Joining since'), sinceThen(joinedAt)],
    [t('Waiting'), wait ? waitText(wait, t) : undefined],
    [t('Waiting since'), sinceThen(wait?.enteredAt)],
    [t('Called at'), shortSite(wait?.site)],
    [t('Threads'), threadsText(record)],
    [t('Not confirmed'), isAlive(record) && !isConfirmed(record) ? notConfirmedText(lister) : undefined],
  ];
  return table(
    record.name,
    rows.filter((row): row is [string, string] => row[1] !== undefined),
  );
}

/** `3` Python threads alive, or `3 (5 counted by the OS)`. */
function threadsText(record: ProcessRecord): string | undefined {
  const alive = liveThreads(record).length;
  if (!alive) {
    return undefined;
  }
  return record.osThreadCount !== undefined && record.osThreadCount !== alive ? t('{0} ({1} counted by the OS)', alive, record.osThreadCount) : String(alive);
}

/** A bold heading and a two-column table: every hover of the tree looks like this. */
export function table(heading: string, rows: ReadonlyArray<readonly [string, string]>): vscode.MarkdownString {
  const markdown = new vscode.MarkdownString(`**${escapeMarkdown(heading)}**\n\n| | |\n|---|---|\n`);
  for (const [label, value] of rows) {
    markdown.appendMarkdown(`| ${escapeMarkdown(label)} | ${escapeMarkdown(value)} |\n`);
  }
  return markdown;
}

/** With no sessions to read, a process re-parented before any scan saw it is never shown inside the run. */
function notConfirmedText(lister: RunLister | undefined): string {
  return lister && !lister.capabilities.sessions
    ? t('the OS has not shown it inside this run yet, and {0} reads no sessions: if its parent ended before a scan saw it, it never will. ProcLens will not signal it', lister.description)
    : t('the OS has not shown it inside this run yet: ProcLens will not signal it');
}

function exitCodeText(record: ProcessRecord, os: OsFamily): string | undefined {
  if (record.exitCode !== undefined && record.exitCode !== null) {
    return `${formatExitCode(record.exitCode)}: ${describeExitCode(record.exitCode, t, os)}`;
  }
  // Ended, but neither its parent's wait nor the OS told how: say so rather than guess.
  return record.state === 'exited' || record.state === 'zombie' ? t('unknown: nothing that saw it end reported its status') : undefined;
}

function exitingText(record: ProcessRecord): string {
  const code = record.reportedExitCode;
  return code === undefined || code === null
    ? t('its code has finished; the process still runs (exit handlers, flushing queues)')
    : t('its code has finished with {0}; the process still runs (exit handlers, flushing queues)', formatExitCode(code));
}

function kindText(record: ProcessRecord): string {
  switch (record.kind) {
    case 'program':
      return t('the program you ran');
    case 'mp-child':
      return t('multiprocessing.Process');
    case 'python':
      return t('Python process');
    case 'helper':
      return t('multiprocessing helper');
    case 'native':
      return t('not Python (found by the OS scan)');
  }
}

const escapeMarkdown = (text: string) => text.replace(/[|\\`*_{}[\]<>#]/g, (c) => `\\${c}`).replace(/\n/g, ' ');

/** `os`: which OS the run ran on (its exit codes' meaning); `request`: how it was asked for (RunSessions.request), for its hover. */
export function runTreeItem(run: RunRecord, label: string, os: OsFamily, request?: RunRequest): vscode.TreeItem {
  const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Expanded);
  item.id = run.id;
  item.description = `${new Date(run.startedAt).toLocaleTimeString()} · ${runStateText(run, t)}`;
  // run.live | run.finished, or run.attached.live | run.attached.finished: no Stop or Run Again on what ProcLens did not start.
  item.contextValue = `run.${run.attached ? 'attached.' : ''}${run.state === 'live' ? 'live' : 'finished'}`;
  item.iconPath =
    run.attached
      ? new vscode.ThemeIcon('plug', run.state === 'live' ? new vscode.ThemeColor('charts.blue') : undefined)
      : run.state === 'live'
      ? new vscode.ThemeIcon('play-circle', new vscode.ThemeColor('charts.green'))
      : run.exitCode === 0
        ? new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('charts.green'))
        : new vscode.ThemeIcon('error', new vscode.ThemeColor('charts.red'));
  const tooltip = new vscode.MarkdownString(`**${escapeMarkdown(label)}**\n\n`);
  const line = (name: string, value: string) => tooltip.appendMarkdown(`${name}: ${value}\n\n`);
  line(t('Command line'), code(run.command.join(' ')));
  if (request?.python) {
    const about = [request.pythonVersion && `Python ${request.pythonVersion}`, request.pythonSource && pythonSourceText(request.pythonSource)].filter(Boolean);
    line(t('Python interpreter'), escapeMarkdown(about.length ? `${request.python} (${about.join(', ')})` : request.python));
  }
  const args = request && pythonFileArguments(request);
  if (args?.length) {
    line(t('Arguments'), code(args.map(quoteArgument).join(' ')));
  }
  line(t('Folder'), escapeMarkdown(run.cwd));
  if (request?.envFile) {
    line(t('Environment file'), escapeMarkdown(request.envFile));
  }
  // Names only: the values may be passwords and tokens, and a hover is easily seen over a shoulder or in a screenshot.
  const added = Object.keys(request?.env ?? {});
  if (added.length) {
    line(t('Variables added'), escapeMarkdown(added.join(', ')));
  }
  if (run.exitCode !== undefined && run.exitCode !== null) {
    line(t('Exit code'), `${formatExitCode(run.exitCode)} (${escapeMarkdown(describeExitCode(run.exitCode, t, os))})`);
  }
  if (run.error) {
    tooltip.appendMarkdown(`${escapeMarkdown(run.error)}\n\n`);
  }
  if (run.lister) {
    // What the OS view of this run could not see, said where the run is described, never left to look like a fact.
    tooltip.appendMarkdown(`${t('Process list')}: ${escapeMarkdown(run.lister.description)}\n\n`);
    for (const limit of listerLimits(run.lister, t)) {
      tooltip.appendMarkdown(`- ${escapeMarkdown(limit)}\n`);
    }
  }
  item.tooltip = tooltip;
  return item;
}

/** Where a run's interpreter came from, as its tooltip says it. */
function pythonSourceText(source: PythonSource): string {
  switch (source) {
    case 'setting':
      return t('from "proclens.pythonPath"');
    case 'pythonExtension':
      return t('selected in the Python extension');
    case 'path':
      return t('found on PATH');
  }
}

/** A Python file's run is `python file arguments…` (runCommands): the arguments, or undefined for any other command. */
function pythonFileArguments(request: RunRequest): readonly string[] | undefined {
  return request.python !== undefined && request.command[0] === request.python ? request.command.slice(2) : undefined;
}

/** An argument as it could be typed again: quoted when it holds a space, a quote or nothing at all. */
const quoteArgument = (arg: string) => (arg === '' || /[\s'"\\]/.test(arg) ? JSON.stringify(arg) : arg);

/** Inline code; a backtick inside would end it early. */
const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;
