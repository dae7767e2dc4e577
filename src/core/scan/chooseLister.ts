import { LinuxProcLister } from './linuxProcLister';
import { ProcessLister } from './processSnapshot';
import { PsListLister } from './psListLister';

export type ListerName = 'proc' | 'ps-list';

/**
 * The platform is decided here, once, by the caller (the composition root passes
 * process.platform): /proc on Linux (measured faster, see docs/benchmarks.md), ps-list
 * elsewhere; ps-list on Linux too when asked for, which is how its paths are tested.
 */
export function chooseLister(preferred: ListerName | undefined, platform: NodeJS.Platform): ProcessLister {
  const name = preferred ?? (platform === 'linux' ? 'proc' : 'ps-list');
  return name === 'proc' ? new LinuxProcLister() : new PsListLister(undefined, platform === 'win32' ? 'windows' : 'ps');
}
