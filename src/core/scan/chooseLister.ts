import { LinuxProcLister } from './linuxProcLister';
import { ProcessLister } from './processSnapshot';
import { PsListLister } from './psListLister';

export type ListerName = 'proc' | 'ps-list';

/** The platform is decided here, once: /proc on Linux (measured faster, see docs/benchmarks.md), ps-list elsewhere. */
export function chooseLister(preferred?: ListerName, platform = process.platform): ProcessLister {
  const name = preferred ?? (platform === 'linux' ? 'proc' : 'ps-list');
  return name === 'proc' ? new LinuxProcLister() : new PsListLister();
}
