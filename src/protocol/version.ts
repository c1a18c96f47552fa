/**
 * Wire protocol version. Exchanged at join and resume; the server rejects versions it does not speak
 * with `PROTOCOL_VERSION_UNSUPPORTED`.
 */
export const PROTOCOL_VERSION = 1;

/**
 * Limits enforced by both ends. A message over the size limit is refused with `MESSAGE_TOO_LARGE`; one
 * nested too deep or with too many values with `MESSAGE_MALFORMED`; a websocket frame over the packet
 * limit makes the server drop the socket unread.
 */
export const LIMITS = {
  /** Largest client message the server accepts: its JSON, in UTF-8 bytes. */
  maxMessageBytes: 64 * 1024,
  /**
   * Largest websocket frame the server reads (its `maxHttpBufferSize`): one largest message plus 1 KiB
   * for what wraps it (engine.io and socket.io prefixes, ack id, event name, the `{ seq, msg }` envelope;
   * a conforming client needs at most 60 bytes of it). A bigger frame closes the socket unread.
   */
  maxPacketBytes: 64 * 1024 + 1024,
  /** Deepest nesting of a payload: a join or resume request, or one message (level 1; a signal's `data` is level 2). */
  maxJsonDepth: 32,
  /** Most JSON values (objects, arrays, strings, numbers, booleans, nulls) in a packet's payload. */
  maxJsonValues: 8192,
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
