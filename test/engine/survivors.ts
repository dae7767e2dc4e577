import * as fs from 'node:fs';

/**
 * Every process on the machine whose environment carries `marker` (a variable
 * the test set for one run: children inherit it, whatever their session,
 * parent or program). Zombies do not count: they have already ended.
 */
export function processesWithMarker(marker: string): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    try {
      if (fs.readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.[0] === 'Z') {
        continue;
      }
      if (fs.readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0').includes(marker)) {
        found.push(Number(entry));
      }
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}
