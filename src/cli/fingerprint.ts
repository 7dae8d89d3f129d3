import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fingerprint } from '../dedup/fingerprint';
import { parseArgs, UsageError } from './args';

export const FINGERPRINT_USAGE = `fingerprint [--escaped]      read log messages on stdin (one a line), print one fingerprint a line
    --escaped                  lines carry \\n, \\t and \\\\ escapes, so multi-line events fit on one line`;

/**
 * stdin → stdout, line for line and in order, so the output can be pasted beside the input.
 * Streams: memory stays flat whatever the input size, and a slow reader pauses us (backpressure).
 */
export async function fingerprintCommand(
  args: string[],
  stdin: NodeJS.ReadableStream,
  out: NodeJS.WritableStream,
): Promise<number> {
  const parsed = parseArgs(args, ['escaped']);
  const unknown = [...parsed.flags.keys()].filter((k) => k !== 'escaped');
  if (unknown.length > 0) throw new UsageError(`unknown option --${unknown[0]}`);
  if (parsed.positional.length > 0) throw new UsageError(`unexpected argument "${parsed.positional[0]}"`);
  const escaped = parsed.flags.has('escaped');

  const lines = createInterface({ input: stdin, crlfDelay: Infinity });
  let batch = '';
  for await (const line of lines) {
    batch += fingerprint(escaped ? unescape(line) : line) + '\n';
    // Batching keeps the write count low on big inputs; the size cap keeps latency and memory low.
    if (batch.length >= 16384) {
      if (!out.write(batch)) await once(out, 'drain');
      batch = '';
    }
  }
  if (batch !== '' && !out.write(batch)) await once(out, 'drain');
  return 0;
}

function unescape(line: string): string {
  return line.replace(/\\([nt\\])/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : '\\'));
}
