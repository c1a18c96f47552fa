/**
 * Wire protocol version. Exchanged at join and resume; the server rejects versions it does not speak
 * with `PROTOCOL_VERSION_UNSUPPORTED`.
 */
export const PROTOCOL_VERSION = 1;

/** Limits enforced by both ends. A message over a limit is rejected with `MESSAGE_TOO_LARGE`. */
export const LIMITS = {
  /** Largest serialized client message (JSON characters) the server accepts. */
  maxMessageChars: 64 * 1024,
  /** Largest session description carried in a media message. */
  maxSdpChars: 48 * 1024,
  /** Longest app signal `type`. */
  maxSignalTypeChars: 128,
  /** Most recipients one signal may name. */
  maxRecipients: 256,
  /** Longest identifier (session id, connection id, identity, stream id). */
  maxIdChars: 128,
  /** Longest connection `data` string carried in a token. */
  maxConnectionDataChars: 4 * 1024,
} as const;

/** Socket.io path the holdfast server listens on. */
export const DEFAULT_SOCKET_PATH = '/holdfast';
