// Block Kit limits (docs.slack.dev/reference/block-kit): Slack rejects the whole message with
// `invalid_blocks` when any one is exceeded, so every builder here stays within them.
export const SLACK_LIMITS = {
  /** "You can include up to 50 blocks in each message" — reference/block-kit/blocks */
  blocksPerMessage: 50,
  /** Section `text`: "Maximum length … is 3000 characters" — blocks/section-block */
  sectionText: 3000,
  /** Header `text` (plain_text): "Maximum length … is 150 characters" — blocks/header-block */
  headerText: 150,
  /** Context `elements`: "Maximum number of items is 10" — blocks/context-block */
  contextElements: 10,
  /**
   * Undocumented cumulative cap on block text: chat.postMessage answers `msg_blocks_too_long`
   * from about 12–13k characters (slackapi/bolt-js#2509, #2867). We keep well under it.
   */
  messageBlockText: 9000,
  /** Our own cap for the top-level `text`: it is the notification preview, so it stays short. */
  fallbackText: 150,
  /**
   * Our own cap on the serialized payload (UTF-8 bytes of the JSON body). Slack documents no byte
   * limit for webhooks, but truncates message text past 40,000 characters
   * (api.slack.com/changelog/2018-04-truncating-really-long-messages); multi-byte text and long
   * URLs can make a payload within the character budget several times larger in bytes.
   */
  payloadBytes: 32_000,
} as const;
