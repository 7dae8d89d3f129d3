import type { Rule } from '../../../src/config/types';

/** A rule as the loader would produce it, for tests of later stages. */
export function rule(overrides: Partial<Rule> & Pick<Rule, 'id'>): Rule {
  return {
    description: `${overrides.id} description`,
    severity: 'warning',
    logGroups: ['/aws/lambda/*'],
    pattern: /ERROR/,
    exclude: [],
    location: { file: 'config/rules/test.yml', line: 1, col: 1 },
    ...overrides,
  };
}
