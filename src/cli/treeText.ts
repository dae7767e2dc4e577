import { gatherPools, summarizePool } from '../core/model/pools';
import { PoolRecord, ProcessRecord, RunRecord } from '../core/model/processRecord';
import { buildProcessTree, ProcessTreeNode } from '../core/model/processTree';
import { listerSummary } from '../core/present/listerText';
import { poolDescription } from '../core/present/poolText';
import { processDescription, runStateText } from '../core/present/processText';

type Row = { readonly node: ProcessTreeNode } | { readonly pool: PoolRecord; readonly workers: ProcessTreeNode[] };

function rowsOf(nodes: readonly ProcessTreeNode[], pools: ReadonlyMap<string, PoolRecord>): Row[] {
  const nodeOf = new Map(nodes.map((node) => [node.record, node]));
  const poolOf = (record: ProcessRecord) => (record.poolId === undefined ? undefined : pools.get(record.poolId));
  return gatherPools(
    nodes.map((node) => node.record),
    poolOf,
  ).map((row) =>
    'key' in row ? { node: nodeOf.get(row)! } : { pool: row, workers: nodes.filter((node) => poolOf(node.record) === row) },
  );
}

/** The final tree as the CLI prints it to stderr. */
export function renderRunTree(run: RunRecord, records: readonly ProcessRecord[], pools: readonly PoolRecord[] = []): string {
  const byPid = new Map(records.map((r) => [r.pid, r]));
  const poolsById = new Map(pools.map((pool) => [pool.id, pool]));
  const lines = [`proclens: ${run.command.join(' ')} — ${runStateText(run)}`];
  const limits = listerSummary(run.lister);
  if (limits) {
    lines.push(`proclens: ${limits}`);
  }
  const processLine = (record: ProcessRecord) => {
    const joining = record.joiningPid !== undefined ? byPid.get(record.joiningPid)?.name : undefined;
    const extra = [record.startMethod, record.kind === 'native' ? 'not Python' : undefined].filter(Boolean);
    return `${record.name}  ${processDescription(record, joining)}` + (extra.length ? `  [${extra.join(', ')}]` : '');
  };
  const walk = (rows: Row[], prefix: string) => {
    rows.forEach((row, index) => {
      const last = index === rows.length - 1;
      const childPrefix = prefix + (last ? '   ' : '│  ');
      if ('node' in row) {
        lines.push(`${prefix}${last ? '└─ ' : '├─ '}${processLine(row.node.record)}`);
        walk(rowsOf(row.node.children, poolsById), childPrefix);
      } else {
        lines.push(`${prefix}${last ? '└─ ' : '├─ '}${row.pool.kind}  ${poolDescription(summarizePool(row.pool, records))}`);
        walk(
          row.workers.map((node) => ({ node })),
          childPrefix,
        );
      }
    });
  };
  walk(rowsOf(buildProcessTree(records), poolsById), '');
  return lines.join('\n');
}
