import { redact } from '../../../src/alerts';

describe('redact', () => {
  it.each([
    // AWS access key ids (long-term AKIA, temporary ASIA)
    ['key AKIAIOSFODNN7EXAMPLE used', 'key [REDACTED:aws-access-key-id] used'],
    ['"AccessKeyId":"ASIAY34FZKBOKMUTVV7A"', '"AccessKeyId":"[REDACTED:aws-access-key-id]"'],
    // AWS secret access keys after their name
    ['aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'aws_secret_access_key=[REDACTED:aws-secret-key]'],
    ['AWS_SECRET_ACCESS_KEY="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"', 'AWS_SECRET_ACCESS_KEY="[REDACTED:aws-secret-key]"'],
    ['{"SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "x":1}', '{"SecretAccessKey": "[REDACTED:aws-secret-key]", "x":1}'],
    ["secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'", "secretAccessKey: '[REDACTED:aws-secret-key]'"],
    // … and standalone on a line about secret access keys, but not a hex digest
    [
      'loaded aws_secret from env: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY (commit da39a3ee5e6b4b0d3255bfef95601890afd80709)',
      'loaded aws_secret from env: [REDACTED:aws-secret-key] (commit da39a3ee5e6b4b0d3255bfef95601890afd80709)',
    ],
    // Authorization headers and bearer tokens
    ['Authorization: Bearer abc.def-ghi_jkl', 'Authorization: Bearer [REDACTED:bearer-token]'],
    ['"authorization":"Basic dXNlcjpwYXNz"', '"authorization":"Basic [REDACTED:basic-auth]"'],
    ['headers={authorization=tok_123456}', 'headers={authorization=[REDACTED:authorization]}'],
    ["curl -H 'X-Auth: Bearer 0123456789abcdef' url", "curl -H 'X-Auth: Bearer [REDACTED:bearer-token]' url"],
    // JWTs
    ['jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc_DEF- end', 'jwt [REDACTED:jwt] end'],
    ['cookie=x; id_token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig', 'cookie=x; id_token=[REDACTED:jwt]'],
    // passwords in URLs
    ['postgres://admin:p@ss@db.example:5432/x', 'postgres://admin:[REDACTED:url-password]@db.example:5432/x'],
    ['redis://:hunter2@cache:6379', 'redis://:[REDACTED:url-password]@cache:6379'],
    ['http://host:8080/path and https://user@host/', 'http://host:8080/path and https://user@host/'],
    // key/value pairs in the usual log shapes
    ['login password=hunter2 ok', 'login password=[REDACTED:password] ok'],
    ['passwd: x pwd="a b"', 'passwd: [REDACTED:password] pwd="[REDACTED:password]"'],
    ['{"password":"a\\"b","user":"u"}', '{"password":"[REDACTED:password]","user":"u"}'],
    ['{\\"db_password\\":\\"s3cr3t\\"}', '{\\"db_password\\":\\"[REDACTED:password]\\"}'],
    ['GET /cb?api_key=abc123&x=1', 'GET /cb?api_key=[REDACTED:api-key]&x=1'],
    ["client_secret='q1' X-Api-Key: k2 refresh_token=r3", "client_secret='[REDACTED:secret]' X-Api-Key: [REDACTED:api-key] refresh_token=[REDACTED:token]"],
    ['User(name=bob, password=pw1)', 'User(name=bob, password=[REDACTED:password])'],
    // JSON cut off mid-value still loses the value
    ['{"user":"u","password":"hunter2', '{"user":"u","password":"[REDACTED:password]'],
    // PEM private keys, whole, JSON-escaped, or cut off before END
    ['x -----BEGIN RSA PRIVATE KEY-----\nMIIE\nabc\n-----END RSA PRIVATE KEY----- y', 'x [REDACTED:private-key] y'],
    ['{"key":"-----BEGIN PRIVATE KEY-----\\nMIIEv\\n-----END PRIVATE KEY-----\\n"}', '{"key":"[REDACTED:private-key]\\n"}'],
    ['"-----BEGIN OPENSSH PRIVATE KEY-----\\nb3BlbnNzaC1rZXktdjEAAAA', '"[REDACTED:private-key]'],
    // Slack
    ['hook https://hooks.slack.com/services/T000/B000/XXXX done', 'hook [REDACTED:slack-webhook] done'],
    ['bot xoxb-1234-5678-abcdefgh and xoxp-1-2-3-abcdef0123', 'bot [REDACTED:slack-token] and [REDACTED:slack-token]'],
  ])('%j', (input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  it.each([
    'max_tokens: 100 tokens=5 password_hint=foo',
    'requestId 8f0c9d6e-2b1a-4c3d-9e8f-0a1b2c3d4e5f trace Root=1-5759e988-bd862e3fe1be46a994272793',
    'sha da39a3ee5e6b4b0d3255bfef95601890afd80709 AKIA-not-a-key',
    'GET /users/123 200 12ms',
    'password reset requested for user 42',
    '',
  ])('leaves ordinary text alone: %j', (text) => {
    expect(redact(text)).toBe(text);
  });

  it('is idempotent: redacted text does not change, nor its labels', () => {
    const once = redact('token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig password=x Authorization: Bearer abcdefghij');
    expect(once).toBe('token=[REDACTED:jwt] password=[REDACTED:password] Authorization: Bearer [REDACTED:bearer-token]');
    expect(redact(once)).toBe(once);
  });

  it('applies extra patterns from the settings, global or not, without modifying them', () => {
    const ssn = /\b\d{3}-\d{2}-\d{4}\b/;
    const card = /\b4\d{15}\b/g;
    const empty = /x*/;
    expect(redact('ssn 123-45-6789 and 987-65-4321, card 4111111111111111', [ssn, card, empty])).toBe(
      'ssn [REDACTED:custom] and [REDACTED:custom], card [REDACTED:custom]',
    );
    expect(ssn.flags).toBe('');
    expect(card.lastIndex).toBe(0);
  });

  it('runs in linear time on adversarial 256 KB inputs', () => {
    const size = 256 * 1024;
    const fill = (unit: string) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
    const inputs = [
      fill('a.'),
      fill('password'),
      fill('a://'),
      fill('x://u:'),
      fill('Bearer '),
      fill('authorization:'),
      fill('"password":"\\\\\\"'),
      fill('{\\"password\\":\\"'),
      fill('eyJaa.'),
      fill('AKIA'),
      `${fill('x'.repeat(39) + '/')}secret_access_key`,
      fill('-----BEGIN PRIVATE KEY-----'),
      fill('xoxb-'),
      fill('a@b:'),
      fill('\\\\\\\\'),
    ];
    for (const input of inputs) {
      const started = process.hrtime.bigint();
      redact(input);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      expect({ input: input.slice(0, 20), ms: ms < 250 }).toEqual({ input: input.slice(0, 20), ms: true });
    }
  });
});
