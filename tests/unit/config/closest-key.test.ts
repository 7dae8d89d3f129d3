import { closestKey } from '../../../src/config/closest-key';

const KEYS = ['id', 'description', 'severity', 'logGroups', 'pattern', 'exclude', 'flags'];

describe('closestKey', () => {
  it.each([
    ['sevirity', 'severity'],
    ['logGroup', 'logGroups'],
    ['log_groups', 'logGroups'],
    ['LogGroups', 'logGroups'],
    ['desc', 'description'],
    ['excludes', 'exclude'],
    ['patern', 'pattern'],
    ['flag', 'flags'],
  ])('%s → %s', (typed, expected) => {
    expect(closestKey(typed, KEYS)).toBe(expected);
  });

  it.each(['regex', 'name', 'color', 'x'])('%s has no close match', (typed) => {
    expect(closestKey(typed, KEYS)).toBeUndefined();
  });
});
