import { ProcessRecord, RunRecord } from '../core/model/processRecord';
import { buildProcessTree, ProcessTreeNode } from '../core/model/processTree';
import { processDescription, runStateText } from '../core/present/processText';

/** The final tree as the CLI prints it to stderr. */
export function renderRunTree(run: RunRecord, records: readonly ProcessRecord[]): string {
  const byPid = new Map(records.map((r) => [r.pid, r]));
  const lines = [`proclens: ${run.command.join(' ')} — ${runStateText(run)}`];
  const walk = (nodes: ProcessTreeNode[], prefix: string) => {
    nodes.forEach((node, index) => {
      const last = index === nodes.length - 1;
      const record = node.record;
      const joining = record.joiningPid !== undefined ? byPid.get(record.joiningPid)?.name : undefined;
      const extra = [record.startMethod, record.kind === 'native' ? 'not Python' : undefined].filter(Boolean);
      lines.push(
        `${prefix}${last ? '└─ ' : '├─ '}${record.name}  ${processDescription(record, joining)}` +
          (extra.length ? `  [${extra.join(', ')}]` : ''),
      );
      walk(node.children, prefix + (last ? '   ' : '│  '));
    });
  };
  walk(buildProcessTree(records), '');
  return lines.join('\n');
}
