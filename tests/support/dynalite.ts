import type { Server } from 'node:http';
import { AddressInfo } from 'node:net';

type DynaliteFactory = (options: { createTableMs?: number; deleteTableMs?: number; updateTableMs?: number }) => Server;

/** An in-memory DynamoDB (dynalite) on a random loopback port. Tables become ACTIVE immediately. */
export async function startDynalite(): Promise<{ endpoint: string; close(): Promise<void> }> {
  // dynalite ships no types; its factory signature is documented in its index.js.
  const dynalite = require('dynalite') as DynaliteFactory;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // dynalite's close waits for open connections; SDK keep-alive sockets would hold it up.
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
