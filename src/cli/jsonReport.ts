import * as fs from 'node:fs';
import { ProcessRecord, RunRecord } from '../core/model/processRecord';

/** The fields of a process in the CLI's JSON lines; tests and CI logs read these. */
export function processJson(record: ProcessRecord): Record<string, unknown> {
  return {
    pid: record.pid,
    ppid: record.ppid ?? null,
    parentPid: record.parentPid ?? null,
    name: record.name,
    formerNames: record.formerNames,
    kind: record.kind,
    daemon: record.daemon,
    python: record.python,
    startMethod: record.startMethod ?? null,
    state: record.state,
    exitCode: record.exitCode ?? null,
    signal: record.signal ?? null,
    reportedExitCode: record.reportedExitCode ?? null,
    reapedAt: record.reapedAt ?? null,
    confirmed: record.identity !== undefined,
    orphan: record.orphan,
    joiningPid: record.joiningPid ?? null,
    joinTimeout: record.joinTimeout ?? null,
    target: record.target ?? null,
    startSite: record.startSite ?? null,
    commandLine: record.commandLine ?? null,
    startedAt: record.startedAt ?? null,
    endedAt: record.endedAt ?? null,
    signalsRequested: record.signalsRequested,
  };
}

export function runJson(run: RunRecord): Record<string, unknown> {
  return {
    id: run.id,
    command: run.command,
    state: run.state,
    topPid: run.topPid ?? null,
    exitCode: run.exitCode ?? null,
    signal: run.signal ?? null,
    error: run.error ?? null,
    startedAt: run.startedAt,
    endedAt: run.endedAt ?? null,
  };
}

/** Appends JSON lines to a file, synchronously, so the summary is written even while exiting. */
export class JsonLinesFile {
  private readonly fd: number;

  constructor(file: string) {
    this.fd = fs.openSync(file, 'w');
  }

  write(value: Record<string, unknown>): void {
    fs.writeSync(this.fd, JSON.stringify(value) + '\n');
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}
