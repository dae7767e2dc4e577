import { isAlive, ProcessRecord } from './processRecord';

/** A process that has just started, or just ended: the view highlights it for a moment (as htop does). */
export type RecentChange = 'started' | 'exited';

export const HIGHLIGHT_MS = 3000;

export function recentChange(record: ProcessRecord, now: number, windowMs = HIGHLIGHT_MS): RecentChange | undefined {
  if (isAlive(record)) {
    return record.startedAt !== undefined && now - record.startedAt < windowMs ? 'started' : undefined;
  }
  // A zombie has ended too: its parent just has not collected it yet.
  return record.endedAt !== undefined && now - record.endedAt < windowMs ? 'exited' : undefined;
}
