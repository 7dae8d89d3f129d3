import { isMap, isScalar, isSeq } from 'yaml';
import { unknownKeyMessage } from './closest-key';
import { describe, rangeOf, type YamlSource } from './parse-yaml';
import { checkRule, type CheckedRule } from './rule-schema';
import type { ConfigProblem } from './types';

const FILE_KEYS = ['rules'] as const;

/** Checks one rule file's top level and every rule in it; bad rules never hide the good ones. */
export function checkRuleFile(src: YamlSource): { rules: CheckedRule[]; problems: ConfigProblem[] } {
  const root = src.resolve(src.doc.contents);
  const problems: ConfigProblem[] = [];
  const done = () => ({ rules: [], problems: [...src.syntaxProblems(), ...problems] });
  if (!isMap(root)) {
    problems.push(src.problem(root, `a rule file must be a mapping with a top-level 'rules:' list, got ${describe(root)}`));
    return done();
  }
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : describe(pair.key);
    if (key !== 'rules') problems.push(src.problem(pair.key, unknownKeyMessage(key, FILE_KEYS)));
  }
  const rulesPair = root.items.find((p) => isScalar(p.key) && p.key.value === 'rules');
  if (!rulesPair) {
    problems.push(src.problem(root, `missing top-level key 'rules'`));
    return done();
  }
  const list = src.resolve(rulesPair.value);
  if (!isSeq(list)) {
    const at = isScalar(list) && list.value === null ? rulesPair.key : list;
    problems.push(src.problem(at, `'rules' must be a list of rules, got ${describe(list)}`));
    return done();
  }

  const spans = list.items.map((item, i) => {
    const checked = checkRule(src, item, i);
    const range = rangeOf(src.resolve(item));
    const ruleId = checked.problems[0]?.ruleId ?? checked.id?.value ?? `#${i + 1}`;
    return { checked, ruleId, start: range?.[0] ?? -1, end: range?.[2] ?? -1 };
  });
  const ruleAt = (offset: number) => spans.find((s) => offset >= s.start && offset <= s.end)?.ruleId;
  // yaml recovers from syntax errors, but a rule with an error inside it may have been read wrongly.
  for (const offset of src.errorOffsets()) {
    const span = spans.find((s) => offset >= s.start && offset <= s.end);
    if (span) delete span.checked.rule;
  }
  return { rules: spans.map((s) => s.checked), problems: [...src.syntaxProblems(ruleAt), ...problems] };
}
