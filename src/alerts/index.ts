// The alerts stage: turns deduplicated alerts into Slack messages with console deep links.
export { buildSlackMessages, sortAlerts } from './slack/build-messages';
export { sendSlackMessages, SlackSendError, type SendOptions } from './slack/send-messages';
export type { SlackPayload, SlackBlock, SlackMessageOptions } from './slack/types';
export { SLACK_LIMITS } from './slack/limits';
export { escapeSlack } from './slack/escape';
export { cloudWatchConsoleHome } from './links/console-home';
export { logStreamUrl, logStreamAtEventUrl, type LogStreamLinkInput } from './links/log-stream-link';
export {
  logsInsightsUrl,
  insightsQueryForPattern,
  insightsRegexLiteral,
  MAX_INSIGHTS_LOG_GROUPS,
  type InsightsLinkInput,
} from './links/insights-link';
export { findTraceId, isTraceId, xrayTraceUrl } from './links/trace-link';
