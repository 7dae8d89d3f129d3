// Initial normaliser; the full fingerprinting (issue 4) replaces this file.
export function fingerprint(message: string): string {
  return message
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<UUID>')
    .replace(/\d+(\.\d+)?/g, '<NUM>')
    .trim();
}
