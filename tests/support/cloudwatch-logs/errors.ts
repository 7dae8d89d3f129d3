/**
 * A service error as the JSON 1.1 protocol carries it. The SDK picks the exception class from
 * `__type`, and classifies retryability from the name and the HTTP status, so both must be right.
 */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number = 400,
  ) {
    super(message);
  }
}

export const invalidParameter = (message: string) => new AwsError('InvalidParameterException', message);

/** AWS reports model-constraint violations in this exact wording; tools grep for it. */
export const constraintViolation = (field: string, value: unknown, constraint: string) =>
  invalidParameter(
    `1 validation error detected: Value '${String(value)}' at '${field}' failed to satisfy constraint: ${constraint}`,
  );

export const throttled = () => new AwsError('ThrottlingException', 'Rate exceeded');
