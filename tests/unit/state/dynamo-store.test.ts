import { CreateTableCommand, DeleteTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createStateTableInput, DynamoStateStore, keys, STATE_TABLE_ACTIONS, STATE_TABLE_DEFINITION } from '../../../src/state';
import { startDynalite } from '../../support/dynalite';
import { stateStoreContract } from './store-contract';

describe('DynamoStateStore on dynalite', () => {
  let dynalite: { endpoint: string; close(): Promise<void> };
  let client: DynamoDBClient;
  let doc: DynamoDBDocumentClient;
  let n = 0;

  beforeAll(async () => {
    dynalite = await startDynalite();
    client = new DynamoDBClient({ endpoint: dynalite.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
    doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  });
  afterAll(async () => {
    client.destroy();
    await dynalite.close();
  });

  async function freshTable(): Promise<string> {
    const name = `state-${++n}`;
    await client.send(new CreateTableCommand(createStateTableInput(name)));
    return name;
  }

  stateStoreContract(async () => new DynamoStateStore(doc, await freshTable()));

  it('creates the table exactly as defined: pk/sk strings, on-demand', async () => {
    const name = await freshTable();
    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    expect(Table?.KeySchema).toEqual(STATE_TABLE_DEFINITION.KeySchema);
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    await client.send(new DeleteTableCommand({ TableName: name }));
  });

  it('stamps every item with the TTL attribute in epoch seconds', async () => {
    const name = await freshTable();
    const store = new DynamoStateStore(doc, name);
    await store.putCursor({ logGroup: 'g', scannedUntil: 1, seenFrom: 0, seen: [], updatedAt: 1, version: 0 }, 1_800_000_000_123);
    const { GetCommand } = await import('@aws-sdk/lib-dynamodb');
    const got = await doc.send(new GetCommand({ TableName: name, Key: keys.cursor('g') }));
    expect(got.Item?.[STATE_TABLE_DEFINITION.TimeToLiveSpecification.AttributeName]).toBe(1_800_000_001);
  });

  it('sends exactly the commands its IAM policy grants (STATE_TABLE_ACTIONS)', () => {
    const source = readFileSync(join(__dirname, '../../../src/state/dynamo-store.ts'), 'utf8');
    const used = [...source.matchAll(/new (\w+)Command\(/g)].map((m) => m[1]!);
    const actions = [...new Set(used)].map((c) => `dynamodb:${{ Get: 'GetItem', BatchGet: 'BatchGetItem', Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem' }[c] ?? c}`);
    expect(actions.sort()).toEqual([...STATE_TABLE_ACTIONS].sort());
  });
});
