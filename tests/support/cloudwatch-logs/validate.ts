import { constraintViolation, invalidParameter } from './errors';

/**
 * Request checks for the constraints the service model declares. The real SDK rarely sends
 * out-of-range values, but hand-written callers and raw-HTTP tests do, and AWS answers those
 * with InvalidParameterException in the "1 validation error detected" wording.
 */
export type Body = Record<string, unknown>;

export function optString(body: Body, field: string, opts: { min?: number; max?: number; pattern?: RegExp } = {}) {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidParameter(`Invalid type for ${field}`);
  const { min = 1, max, pattern } = opts;
  if (value.length < min) {
    throw constraintViolation(field, value, `Member must have length greater than or equal to ${min}`);
  }
  if (max !== undefined && value.length > max) {
    throw constraintViolation(field, value, `Member must have length less than or equal to ${max}`);
  }
  if (pattern && !pattern.test(value)) {
    throw constraintViolation(field, value, `Member must satisfy regular expression pattern: ${pattern.source}`);
  }
  return value;
}

export function reqString(body: Body, field: string, opts: { min?: number; max?: number; pattern?: RegExp } = {}) {
  const value = optString(body, field, opts);
  if (value === undefined) throw constraintViolation(field, 'null', 'Member must not be null');
  return value;
}

export function optInt(body: Body, field: string, opts: { min?: number; max?: number } = {}) {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw invalidParameter(`Invalid type for ${field}`);
  if (opts.min !== undefined && value < opts.min) {
    throw constraintViolation(field, value, `Member must have value greater than or equal to ${opts.min}`);
  }
  if (opts.max !== undefined && value > opts.max) {
    throw constraintViolation(field, value, `Member must have value less than or equal to ${opts.max}`);
  }
  return value;
}

export function optBool(body: Body, field: string): boolean | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalidParameter(`Invalid type for ${field}`);
  return value;
}

// Patterns from the CloudWatch Logs API reference.
export const LOG_GROUP_NAME = /^[.\-_/#A-Za-z0-9]+$/;
export const LOG_STREAM_NAME = /^[^:*]*$/;
export const LOG_GROUP_NAME_PATTERN = /^[.\-_/#A-Za-z0-9]*$/;
