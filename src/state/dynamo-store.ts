import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { applySettlement } from './fingerprints';
import { keys, TTL_ATTRIBUTE } from './table';
import {
  refKey,
  type ClaimSettlement,
  type Cursor,
  type FingerprintRef,
  type FingerprintState,
  type LeaseResult,
  type PendingPost,
  type StateStore,
} from './types';

type Item = Record<string, unknown>;

const BATCH_GET_LIMIT = 100;
const SETTLE_ATTEMPTS = 5;

/** The DynamoDB client the Lambda uses: short per-attempt timeouts, because the run has a deadline. */
export function createStateClient(region: string, opts: { requestTimeoutMs?: number; maxAttempts?: number } = {}): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region,
    maxAttempts: opts.maxAttempts ?? 5,
    requestHandler: { requestTimeout: opts.requestTimeoutMs ?? 5_000, throwOnRequestTimeout: true },
  });
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/**
 * StateStore on one DynamoDB table (see table.ts for the key design). Every write that decides something
 * (lease, cursor, fingerprint claim, pending claim) is a conditional write, so two overlapping runs can
 * never both win it. Reads are strongly consistent.
 */
export class DynamoStateStore implements StateStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  // ---- run lease ----

  async acquireLease(name: string, owner: string, now: number, until: number): Promise<LeaseResult> {
    const ok = await this.conditional(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.lease(name), owner, until, [TTL_ATTRIBUTE]: epochSeconds(until) + 86_400 },
        ConditionExpression: 'attribute_not_exists(pk) OR #until < :now OR #owner = :owner',
        ExpressionAttributeNames: { '#until': 'until', '#owner': 'owner' },
        ExpressionAttributeValues: { ':now': now, ':owner': owner },
      }),
    );
    if (ok) return { acquired: true };
    const held = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.lease(name), ConsistentRead: true }));
    return { acquired: false, owner: String(held.Item?.owner ?? 'unknown'), until: Number(held.Item?.until ?? 0) };
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    await this.conditional(
      new DeleteCommand({
        TableName: this.tableName,
        Key: keys.lease(name),
        ConditionExpression: '#owner = :owner',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: { ':owner': owner },
      }),
    );
  }

  // ---- measured volume (last writer wins: it is an estimate) ----

  async getVolume(name: string): Promise<number | undefined> {
    const res = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.volume(name) }));
    const v = res.Item?.bytesPerGroupPerWindow;
    return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
  }

  async putVolume(name: string, bytesPerGroupPerWindow: number, expiresAt: number): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.volume(name), bytesPerGroupPerWindow, [TTL_ATTRIBUTE]: epochSeconds(expiresAt) },
      }),
    );
  }

  // ---- cursors ----

  async getCursors(logGroups: readonly string[]): Promise<Map<string, Cursor>> {
    const items = await this.batchGet(logGroups.map((g) => keys.cursor(g)));
    const out = new Map<string, Cursor>();
    for (const item of items) {
      const cursor = toCursor(item);
      out.set(cursor.logGroup, cursor);
    }
    return out;
  }

  async putCursor(cursor: Cursor, expiresAt: number): Promise<boolean> {
    const item: Item = { ...keys.cursor(cursor.logGroup), ...cursor, version: cursor.version + 1, [TTL_ATTRIBUTE]: epochSeconds(expiresAt) };
    return this.versionedPut(item, cursor.version);
  }

  // ---- fingerprints ----

  async getFingerprints(refs: readonly FingerprintRef[]): Promise<Map<string, FingerprintState>> {
    const items = await this.batchGet(refs.map((r) => keys.fingerprint(r.ruleId, r.key)));
    const out = new Map<string, FingerprintState>();
    for (const item of items) {
      const state = toFingerprint(item);
      out.set(refKey(state), state);
    }
    return out;
  }

  async getOpenFingerprints(ruleId: string): Promise<FingerprintState[]> {
    const out: FingerprintState[] = [];
    let start: Item | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          FilterExpression: '#open = :true',
          ExpressionAttributeNames: { '#open': 'open' },
          ExpressionAttributeValues: { ':pk': keys.fingerprintPartition(ruleId), ':true': true },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? []) out.push(toFingerprint(item));
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  async putFingerprint(state: FingerprintState): Promise<boolean> {
    return this.versionedPut(fingerprintItem(state, state.version + 1), state.version);
  }

  async settleClaim(ref: FingerprintRef, owner: string, settlement: ClaimSettlement): Promise<boolean> {
    // Read, apply the same pure settlement as the in-memory store, write back if nothing changed meanwhile.
    for (let attempt = 0; attempt < SETTLE_ATTEMPTS; attempt++) {
      const got = await this.doc.send(
        new GetCommand({ TableName: this.tableName, Key: keys.fingerprint(ref.ruleId, ref.key), ConsistentRead: true }),
      );
      if (!got.Item) return false;
      const current = toFingerprint(got.Item);
      const next = applySettlement(current, owner, settlement);
      if (!next) return false;
      if (await this.versionedPut(fingerprintItem(next, next.version), current.version)) return true;
    }
    return false;
  }

  // ---- pending payloads ----

  async addPending(post: PendingPost): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: pendingItem({ ...post, version: 1 }),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async listPending(limit: number): Promise<PendingPost[]> {
    const out: PendingPost[] = [];
    let start: Item | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.pendingPartition },
          ConsistentRead: true,
          Limit: limit - out.length,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? []) out.push(toPending(item));
      start = page.LastEvaluatedKey;
    } while (start && out.length < limit);
    return out;
  }

  async claimPending(id: string, owner: string, now: number, until: number): Promise<boolean> {
    return this.conditional(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.pending(id),
        UpdateExpression: 'SET #claim = :claim, version = version + :one',
        ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(#claim) OR #claim.#until < :now OR #claim.#owner = :owner)',
        ExpressionAttributeNames: { '#claim': 'claim', '#until': 'until', '#owner': 'owner' },
        ExpressionAttributeValues: { ':claim': { owner, until }, ':now': now, ':owner': owner, ':one': 1 },
      }),
    );
  }

  async removePending(id: string, owner: string): Promise<void> {
    await this.conditional(
      new DeleteCommand({
        TableName: this.tableName,
        Key: keys.pending(id),
        ConditionExpression: '#claim.#owner = :owner',
        ExpressionAttributeNames: { '#claim': 'claim', '#owner': 'owner' },
        ExpressionAttributeValues: { ':owner': owner },
      }),
    );
  }

  async releasePending(id: string, owner: string, error: string): Promise<void> {
    await this.conditional(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.pending(id),
        UpdateExpression: 'REMOVE #claim SET attempts = attempts + :one, lastError = :error, version = version + :one',
        ConditionExpression: '#claim.#owner = :owner',
        ExpressionAttributeNames: { '#claim': 'claim', '#owner': 'owner' },
        ExpressionAttributeValues: { ':owner': owner, ':one': 1, ':error': error.slice(0, 1000) },
      }),
    );
  }

  // ---- helpers ----

  private async versionedPut(item: Item, expectedVersion: number): Promise<boolean> {
    return this.conditional(
      new PutCommand({
        TableName: this.tableName,
        Item: item,
        ...(expectedVersion === 0
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': expectedVersion } }),
      }),
    );
  }

  /** True if the write happened, false if its condition failed; any other error is thrown. */
  private async conditional(command: PutCommand | UpdateCommand | DeleteCommand): Promise<boolean> {
    try {
      // The union of commands has no common `send` overload; each is a valid document-client command.
      await this.doc.send(command as PutCommand);
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException || (err as { name?: string }).name === 'ConditionalCheckFailedException') return false;
      throw err;
    }
  }

  private async batchGet(keyList: { pk: string; sk: string }[]): Promise<Item[]> {
    const out: Item[] = [];
    const unique = [...new Map(keyList.map((k) => [`${k.pk}\u0000${k.sk}`, k])).values()];
    for (let i = 0; i < unique.length; i += BATCH_GET_LIMIT) {
      let request: { pk: string; sk: string }[] = unique.slice(i, i + BATCH_GET_LIMIT);
      for (let attempt = 0; request.length > 0; attempt++) {
        if (attempt > 0) await sleep(Math.min(1_000, 50 * 2 ** attempt));
        if (attempt > 8) throw new Error(`DynamoDB BatchGetItem left ${request.length} keys unprocessed after ${attempt} attempts`);
        const res = await this.doc.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: request, ConsistentRead: true } } }),
        );
        out.push(...(res.Responses?.[this.tableName] ?? []));
        request = (res.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as { pk: string; sk: string }[];
      }
    }
    return out;
  }
}

function epochSeconds(ms: number): number {
  return Math.ceil(ms / 1000);
}

function fingerprintItem(state: FingerprintState, version: number): Item {
  return { ...keys.fingerprint(state.ruleId, state.key), ...state, version, [TTL_ATTRIBUTE]: epochSeconds(state.expiresAt) };
}

function pendingItem(post: PendingPost): Item {
  return { ...keys.pending(post.id), ...post, payload: JSON.stringify(post.payload), [TTL_ATTRIBUTE]: epochSeconds(post.expiresAt) };
}

function strip(item: Item): Item {
  const { pk: _pk, sk: _sk, [TTL_ATTRIBUTE]: _ttl, ...rest } = item;
  return rest;
}

function toCursor(item: Item): Cursor {
  const c = strip(item) as unknown as Cursor;
  return { ...c, seen: [...(c.seen ?? [])] };
}

function toFingerprint(item: Item): FingerprintState {
  const s = strip(item) as unknown as FingerprintState;
  return { ...s, logGroups: [...(s.logGroups ?? [])], hitTimes: [...(s.hitTimes ?? [])] };
}

function toPending(item: Item): PendingPost {
  const p = strip(item) as unknown as Omit<PendingPost, 'payload'> & { payload: string };
  return { ...p, payload: JSON.parse(p.payload) as unknown, holds: [...(p.holds ?? [])] };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
