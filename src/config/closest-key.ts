/** Suggests the known key a user most likely meant, so `sevirity` points at `severity`. */
export function closestKey(typed: string, known: readonly string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[-_\s]/g, '');
  const t = norm(typed);
  let best: { key: string; distance: number } | undefined;
  for (const key of known) {
    const k = norm(key);
    // `log_groups`, `LogGroups`, `desc` → the key itself: casing, separators and abbreviations.
    if (k === t || (t.length >= 3 && k.startsWith(t))) return key;
    const distance = levenshtein(t, k);
    if (!best || distance < best.distance) best = { key, distance };
  }
  // A third of the length keeps `regex` from being "corrected" to `exclude`.
  return best && best.distance <= Math.max(1, Math.floor(t.length / 3)) ? best.key : undefined;
}

export function unknownKeyMessage(typed: string, known: readonly string[]): string {
  const guess = closestKey(typed, known);
  return guess
    ? `unknown key '${typed}', did you mean '${guess}'?`
    : `unknown key '${typed}' (known keys: ${known.join(', ')})`;
}

function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
    }
    prev = row;
  }
  return prev[b.length]!;
}
