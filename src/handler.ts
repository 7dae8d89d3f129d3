// Placeholder entry so packaging can be wired up; replaced by the real scheduled handler.
export async function handler(): Promise<void> {
  throw new Error('not implemented yet');
}
