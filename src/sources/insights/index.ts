export { InsightsSource, hintReads, parseInsightsTime, type ExpectedRead, type InsightsSourceOptions, type ReadHints } from './insights-source';
export { buildFilter, translatePattern, MAX_QUERY_CHARS, type FilterPlan, type Translation } from './translate';
export { AutoSource, type AutoSourceOptions } from './auto-source';
