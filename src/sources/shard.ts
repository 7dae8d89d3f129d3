/**
 * Stable assignment of log groups to n shards: FNV-1a (32-bit) of the UTF-8 name, modulo n. The same name
 * lands in the same shard on every run and every worker, with no coordination and no stored state; adding
 * log groups never moves the others. (Changing n moves most groups: do it between runs.)
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

export function fnv1a(text: string): number {
  let hash = FNV_OFFSET;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, FNV_PRIME) >>> 0;
  }
  return hash >>> 0;
}

/** The shard (0..n-1) a log group belongs to. */
export function shardOf(logGroupName: string, n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`shard count must be a positive integer, got ${n}`);
  return n === 1 ? 0 : fnv1a(logGroupName) % n;
}

export function inShard(logGroupName: string, index: number, count: number): boolean {
  if (!Number.isInteger(index) || index < 0 || index >= count) throw new RangeError(`shard index must be in 0..${count - 1}, got ${index}`);
  return shardOf(logGroupName, count) === index;
}

export interface ShardSpec {
  index: number;
  count: number;
}

/** Reads a `{shard: {index, count}}` payload field; undefined (no sharding) when absent or malformed. */
export function shardFromEvent(event: unknown): ShardSpec | undefined {
  const shard = (event as { shard?: { index?: unknown; count?: unknown } } | undefined)?.shard;
  if (!shard) return undefined;
  const { index, count } = shard;
  if (typeof index !== 'number' || typeof count !== 'number' || !Number.isInteger(count) || count < 1) return undefined;
  if (!Number.isInteger(index) || index < 0 || index >= count) return undefined;
  return { index, count };
}
