export type { LogEvent, LogSource } from './types';
export { CloudWatchSource } from './cloudwatch-source';
export { FileSource, logGroupForFile } from './file-source';
export { createLogsClient } from './cloudwatch-client';
