/** A distinct, letters-only marker per number: each seeded line gets its own fingerprint, and counting markers in what Slack got counts deliveries. */
export function marker(n: number): string {
  let s = '';
  let v = n;
  do {
    s += String.fromCharCode(97 + (v % 26));
    v = Math.floor(v / 26);
  } while (v > 0);
  return `mk${s}q`;
}
