import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Sample {
  template: string;
  message: string;
}

/**
 * Development data: loghub (the first lines of each file), loghub-heldout (a later stretch of 6 files, held
 * out in the first round), loghub-dev2 (lines 601–720), loghub-dev3 (lines 1801–1950: the second round's
 * test set, examined after it was scored). loghub-test (lines 1301–1450) was never used to develop the
 * rules: its score is the one reported. See data/README.md.
 */
export type Source = 'loghub' | 'loghub-heldout' | 'loghub-dev2' | 'loghub-dev3' | 'loghub-dev4' | 'loghub-test' | 'synthetic';

export interface Dataset {
  system: string;
  source: Source;
  samples: Sample[];
}

const DATA = join(__dirname, 'data');

/** Loghub samples: `EventId<space>Content` a line (transcribed from *_2k.log_structured.csv). */
function loadLoghub(file: string): Sample[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const sp = l.indexOf(' ');
      return { template: l.slice(0, sp), message: l.slice(sp + 1) };
    });
}

/** Synthetic samples: JSON lines, since their messages may span several lines. */
function loadJsonl(file: string): Sample[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Sample);
}

function loadFolder(source: Source, ext: string, load: (file: string) => Sample[]): Dataset[] {
  const dir = join(DATA, source);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => n.endsWith(ext))
    .sort()
    .map((f) => ({ system: f.slice(0, -ext.length), source, samples: load(join(dir, f)) }))
    .filter((d) => d.samples.length > 0);
}

export function loadDatasets(): Dataset[] {
  return [
    ...loadFolder('loghub', '.txt', loadLoghub),
    ...loadFolder('loghub-heldout', '.txt', loadLoghub),
    ...loadFolder('loghub-dev2', '.txt', loadLoghub),
    ...loadFolder('loghub-dev3', '.txt', loadLoghub),
    ...loadFolder('loghub-dev4', '.txt', loadLoghub),
    ...loadFolder('loghub-test', '.txt', loadLoghub),
    ...loadFolder('synthetic', '.jsonl', loadJsonl),
  ];
}
