import { isAlive, ProcessRecord } from '../model/processRecord';
import { plainText, Translate } from '../present/processText';

/** The states the Processes view can be narrowed to. */
export const STATE_FILTERS = ['alive', 'daemon', 'zombie', 'orphan', 'exited'] as const;
export type StateFilter = (typeof STATE_FILTERS)[number];

/** What the Processes view shows when filtered: a state, a piece of text, or both. */
export interface ProcessFilter {
  readonly state?: StateFilter;
  /** Matched against the name (and former names), the PID and the command line. */
  readonly text?: string;
}

export function matchesFilter(record: ProcessRecord, filter: ProcessFilter): boolean {
  return matchesState(record, filter.state) && matchesText(record, filter.text?.trim().toLowerCase());
}

function matchesState(record: ProcessRecord, state: StateFilter | undefined): boolean {
  switch (state) {
    case undefined:
      return true;
    case 'alive':
      return isAlive(record);
    case 'daemon':
      return record.daemon;
    case 'zombie':
      return record.state === 'zombie';
    case 'orphan':
      return record.orphan;
    case 'exited':
      return record.state === 'exited';
  }
}

function matchesText(record: ProcessRecord, text: string | undefined): boolean {
  if (!text) {
    return true;
  }
  if (/^\d+$/.test(text)) {
    return String(record.pid).startsWith(text);
  }
  const words = [record.name, ...record.formerNames, ...(record.commandLine ?? [])];
  return words.some((word) => word.toLowerCase().includes(text));
}

/** Reads what a person typed: a state word ("alive", "daemon"…) alone or before some text, or just text. */
export function parseFilter(input: string): ProcessFilter | undefined {
  const [first, ...rest] = input.trim().split(/\s+/);
  if (!first) {
    return undefined;
  }
  const state = STATE_FILTERS.find((s) => s === first.toLowerCase());
  if (!state) {
    return { text: input.trim() };
  }
  return rest.length ? { state, text: rest.join(' ') } : { state };
}

/** Shown as the view's description while a filter is on, e.g. `alive · "worker"`. */
export function describeFilter(filter: ProcessFilter, t: Translate = plainText): string {
  const parts = [];
  if (filter.state) {
    parts.push(stateFilterLabel(filter.state, t));
  }
  if (filter.text) {
    parts.push(`“${filter.text}”`);
  }
  return t('Filter: {0}', parts.join(' · '));
}

export function stateFilterLabel(state: StateFilter, t: Translate = plainText): string {
  switch (state) {
    case 'alive':
      return t('alive only');
    case 'daemon':
      return t('daemons');
    case 'zombie':
      return t('zombies');
    case 'orphan':
      return t('orphans');
    case 'exited':
      return t('exited');
  }
}
