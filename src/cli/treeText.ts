import { summarizePool } from '../core/model/pools';
import { PoolRecord, ProcessRecord, RunRecord } from '../core/model/processRecord';
import { buildProcessTree, ProcessTreeNode } from '../core/model/processTree';
import { poolDescription } from '../core/present/poolText';
import { processDescription, runStateText } from '../core/present/processText';

type Row = { readonly node: ProcessTreeNode } | { readonly pool: PoolRecord; readonly workers: ProcessTreeNode[] };

/**
 * A parent's rows: its children in start order, except that a pool's workers
 * are gathered on one row for their pool, where its first worker would be.
 */
function rowsOf(nodes: readonly ProcessTreeNode[], pools: ReadonlyMap<string, PoolRecord>): Row[] {
  const rows: Row[] = [];
  const poolRows = new Map<string, { pool: PoolRecord; workers: ProcessTreeNode[] }>();
  for (const node of nodes) {
    const pool = node.record.poolId === undefined ? undefined : pools.get(node.record.poolId);
    if (!pool) {
      rows.push({ node });
      continue;
    }
    let row = poolRows.get(pool.id);
    if (!row) {
      row = { pool, workers: [] };
      poolRows.set(pool.id, row);
      rows.push(row);
    }
    row.workers.push(node);
  }
  return rows;
}

/** The final tree as the CLI prints it to stderr. */
export function renderRunTree(run: RunRecord, records: readonly ProcessRecord[], pools: readonly PoolRecord[] = []): string {
  const byPid = new Map(records.map((r) => [r.pid, r]));
  const poolsById = new Map(pools.map((pool) => [pool.id, pool]));
  const lines = [`proclens: ${run.command.join(' ')} — ${runStateText(run)}`];
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
