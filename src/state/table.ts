/**
 * The state table, defined once: serverless.yml declares the same table (a test checks they match)
 * and the DynamoDB tests create it from here.
 *
 * Single table, string partition key `pk` and sort key `sk`:
 *
 *   pk                   sk          item
 *   LEASE                <name>      a run lease (`run`, or one per shard): owner, until
 *   VOLUME               <name>      bytes read per log group per window, as measured (same names as leases)
 *   GROUP#<log group>    CURSOR      a log group's cursor: scannedUntil, seenFrom, seen[], failingSince, lastError
 *   FP#<rule id>         <fp hash>   a rule + fingerprint: first/last seen, lastAlertedAt, open, sinceCount,
 *                                    hitTimes[], claim {owner, until, kind, at, carry}
 *   PENDING              <id>        an undelivered Slack payload (ids sort by creation time): payload, holds[]
 *
 * Every item carries `expiresAtEpoch` (seconds), the table's TTL attribute, so state of log groups,
 * fingerprints and payloads that are gone ages out on its own.
 */
export const TTL_ATTRIBUTE = 'expiresAtEpoch';

export const STATE_TABLE_DEFINITION = {
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'sk', AttributeType: 'S' },
  ],
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ],
  BillingMode: 'PAY_PER_REQUEST',
  TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
} as const;

/** CreateTable input (TTL is a separate API call, UpdateTimeToLive, outside CloudFormation). */
export function createStateTableInput(tableName: string) {
  const { AttributeDefinitions, KeySchema, BillingMode } = STATE_TABLE_DEFINITION;
  return {
    TableName: tableName,
    AttributeDefinitions: AttributeDefinitions.map((a) => ({ ...a })),
    KeySchema: KeySchema.map((k) => ({ ...k })),
    BillingMode,
  };
}

/** The DynamoDB actions the Lambda uses on the table: its IAM policy grants exactly these. */
export const STATE_TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
] as const;

export const keys = {
  lease: (name: string) => ({ pk: 'LEASE', sk: name }),
  volume: (name: string) => ({ pk: 'VOLUME', sk: name }),
  cursor: (logGroup: string) => ({ pk: `GROUP#${logGroup}`, sk: 'CURSOR' }),
  fingerprint: (ruleId: string, key: string) => ({ pk: `FP#${ruleId}`, sk: key }),
  fingerprintPartition: (ruleId: string) => `FP#${ruleId}`,
  pending: (id: string) => ({ pk: 'PENDING', sk: id }),
  pendingPartition: 'PENDING',
};
