import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Sample {
  template: string;
  message: string;
}

export interface Dataset {
  system: string;
  /** loghub: first lines of each file (seen while writing the rules); loghub-heldout: a later stretch, read after the rules were frozen. */
  source: 'loghub' | 'loghub-heldout' | 'synthetic';
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

export function loadDatasets(): Dataset[] {
  const out: Dataset[] = [];
  for (const f of readdirSync(join(DATA, 'loghub')).filter((n) => n.endsWith('.txt')).sort()) {
    out.push({ system: f.replace(/\.txt$/, ''), source: 'loghub', samples: loadLoghub(join(DATA, 'loghub', f)) });
  }
  for (const f of readdirSync(join(DATA, 'loghub-heldout')).filter((n) => n.endsWith('.txt')).sort()) {
    out.push({ system: f.replace(/\.txt$/, ''), source: 'loghub-heldout', samples: loadLoghub(join(DATA, 'loghub-heldout', f)) });
  }
  for (const f of readdirSync(join(DATA, 'synthetic')).filter((n) => n.endsWith('.jsonl')).sort()) {
    out.push({ system: f.replace(/\.jsonl$/, ''), source: 'synthetic', samples: loadJsonl(join(DATA, 'synthetic', f)) });
  }
  return out;
}
