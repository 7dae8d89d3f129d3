// The alerts stage: turns deduplicated alerts into Slack messages with console deep links.
export { buildSlackMessages, planSlackMessages, sortAlerts, type PlannedMessage } from './slack/build-messages';
export { planRunMessages } from './slack/plan-run';
export { buildResolvedMessage, type ResolvedAlert, type ResolvedMessageOptions } from './slack/resolved-message';
export { buildIncidentMessages, type Incident } from './slack/incident-messages';
export { buildHealthMessage, type ScannerHealth, type HealthMessageOptions } from './slack/health-message';
export {
  deliverSlackMessages,
  sendSlackMessages,
  SlackSendError,
  type SendOptions,
  type RetryNotice,
  type PayloadDelivery,
  type SlackDeliveryReport,
} from './slack/send-messages';
export type { SlackPayload, SlackBlock, SlackMessageOptions } from './slack/types';
export { jsonBytes } from './slack/types';
export { SLACK_LIMITS } from './slack/limits';
export { escapeSlack } from './slack/escape';
export { redact, type RedactionKind } from './redact';
export { ruleMentions } from './slack/mention';
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
