import { formatDuration } from '../present/processText';

// Made on first use: building a DateTimeFormat costs about 25 ms, which at load time would
// be paid by every activation of the extension, timeline or not.
let clock: Intl.DateTimeFormat | undefined;

/** A time of day to the millisecond: `14:03:07.250`. */
export const at = (time: number): string =>
  (clock ??= new Intl.DateTimeFormat(undefined, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    fractionalSecondDigits: 3,
    hourCycle: 'h23',
  })).format(time);

/** `14:03:07.250 → 14:03:09.250 (2.0 s)`. */
export const stretch = (from: number, to: number): string => `${at(from)} → ${at(to)} (${formatDuration(to - from)})`;
