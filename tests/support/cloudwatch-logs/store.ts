import { AwsError } from './errors';

export interface SeedEvent {
  timestamp: number;
  message: string;
  /** Defaults to the emulator clock plus the ingestion delay; set it to stage late arrivals. */
  ingestionTime?: number;
}

export interface StoredEvent {
  logStreamName: string;
  timestamp: number;
  message: string;
  ingestionTime: number;
  eventId: string;
  /** Global arrival order: the tie-breaker AWS documents after timestamp and ingestion time. */
  seq: number;
}

export interface LogStream {
  name: string;
  creationTime: number;
  /** Sorted by (timestamp, seq). */
  events: StoredEvent[];
  storedBytes: number;
}

export interface LogGroup {
  name: string;
  creationTime: number;
  streams: Map<string, LogStream>;
  storedBytes: number;
  /** Group-wide (timestamp, ingestionTime, seq) order, rebuilt lazily after writes. */
  merged: StoredEvent[] | null;
}

export type IngestionDelay = number | ((event: { timestamp: number; message: string }) => number);

const groupMissing = () => new AwsError('ResourceNotFoundException', 'The specified log group does not exist.');
const streamMissing = () => new AwsError('ResourceNotFoundException', 'The specified log stream does not exist.');

export const byTimestampThenSeq = (a: StoredEvent, b: StoredEvent) => a.timestamp - b.timestamp || a.seq - b.seq;
export const byFilterOrder = (a: StoredEvent, b: StoredEvent) =>
  a.timestamp - b.timestamp || a.ingestionTime - b.ingestionTime || a.seq - b.seq;

export class LogStore {
  readonly groups = new Map<string, LogGroup>();
  private seq = 0;

  constructor(
    readonly region: string,
    readonly accountId: string,
    readonly now: () => number,
    private readonly ingestionDelay: IngestionDelay,
  ) {}

  groupArn(name: string): string {
    return `arn:aws:logs:${this.region}:${this.accountId}:log-group:${name}`;
  }

  createGroup(name: string): LogGroup {
    if (this.groups.has(name)) {
      throw new AwsError('ResourceAlreadyExistsException', 'The specified log group already exists');
    }
    const group: LogGroup = { name, creationTime: this.now(), streams: new Map(), storedBytes: 0, merged: null };
    this.groups.set(name, group);
    return group;
  }

  deleteGroup(name: string): void {
    if (!this.groups.delete(name)) throw groupMissing();
  }

  group(name: string): LogGroup {
    const group = this.groups.get(name);
    if (!group) throw groupMissing();
    return group;
  }

  /** logGroupIdentifier accepts a name or this account's ARN (with or without the trailing `:*`). */
  groupByIdentifier(identifier: string): LogGroup {
    const prefix = this.groupArn('');
    if (identifier.startsWith('arn:')) {
      if (!identifier.startsWith(prefix)) throw groupMissing();
      return this.group(identifier.slice(prefix.length).replace(/:\*$/, ''));
    }
    return this.group(identifier);
  }

  createStream(group: LogGroup, name: string): LogStream {
    if (group.streams.has(name)) {
      throw new AwsError('ResourceAlreadyExistsException', 'The specified log stream already exists');
    }
    const stream: LogStream = { name, creationTime: this.now(), events: [], storedBytes: 0 };
    group.streams.set(name, stream);
    return stream;
  }

  stream(group: LogGroup, name: string): LogStream {
    const stream = group.streams.get(name);
    if (!stream) throw streamMissing();
    return stream;
  }

  append(group: LogGroup, stream: LogStream, events: SeedEvent[]): StoredEvent[] {
    const stored = events.map((e): StoredEvent => {
      const seq = ++this.seq;
      const delay = typeof this.ingestionDelay === 'function' ? this.ingestionDelay(e) : this.ingestionDelay;
      return {
        logStreamName: stream.name,
        timestamp: e.timestamp,
        message: e.message,
        ingestionTime: e.ingestionTime ?? this.now() + delay,
        // AWS event ids are 56-digit decimal strings; keep the shape so id-parsing code is exercised.
        eventId: String(e.timestamp).padStart(20, '0') + String(seq).padStart(36, '0'),
        seq,
      };
    });
    const last = stream.events[stream.events.length - 1];
    stream.events.push(...stored);
    if (last && stored[0] && byTimestampThenSeq(stored[0], last) < 0) stream.events.sort(byTimestampThenSeq);
    else if (stored.some((e, i) => i > 0 && byTimestampThenSeq(e, stored[i - 1]!) < 0)) stream.events.sort(byTimestampThenSeq);
    const bytes = stored.reduce((n, e) => n + Buffer.byteLength(e.message, 'utf8'), 0);
    stream.storedBytes += bytes;
    group.storedBytes += bytes;
    group.merged = null;
    return stored;
  }

  /** Ingested events only: an event is invisible to reads until the clock reaches its ingestionTime. */
  isVisible(event: StoredEvent): boolean {
    return event.ingestionTime <= this.now();
  }

  merged(group: LogGroup): StoredEvent[] {
    if (!group.merged) {
      group.merged = [...group.streams.values()].flatMap((s) => s.events).sort(byFilterOrder);
    }
    return group.merged;
  }

  clear(): void {
    this.groups.clear();
  }
}
