import { ProcessLister, ProcessSnapshot } from './processSnapshot';

/**
 * The portable lister (macOS, Windows): `ps-list`, which runs `ps` or a
 * helper binary. It cannot see zombies or sessions, so those features are
 * Linux-only.
 */
export class PsListLister implements ProcessLister {
  readonly description = 'ps-list';
  readonly seesZombies = false;

  async list(): Promise<ProcessSnapshot[]> {
    return (await described()).map((p) => ({
      pid: p.pid,
      ppid: p.ppid,
      name: p.name,
      zombie: false,
      identity: identityOf(p.startTime, p.name),
      startTime: p.startTime?.getTime(),
      cpuPercent: p.cpu,
    }));
  }

  async snapshot(pid: number): Promise<ProcessSnapshot | undefined> {
    return (await this.list()).find((p) => p.pid === pid);
  }

  async identify(pid: number): Promise<string | undefined> {
    return (await this.snapshot(pid))?.identity;
  }

  async commandLine(pid: number): Promise<string[] | undefined> {
    const found = (await described()).find((p) => p.pid === pid);
    // ps joins the arguments with spaces; they cannot be split back exactly.
    return found?.cmd ? [found.cmd] : undefined;
  }
}

async function described() {
  // ps-list is ESM-only; a dynamic import keeps this module loadable from CommonJS.
  const { default: psList } = await import('ps-list');
  return psList();
}

function identityOf(startTime: Date | undefined, name: string): string {
  return `${startTime?.getTime() ?? '?'}:${name}`;
}
