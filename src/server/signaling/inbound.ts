import * as v from 'valibot';
import {
  type ClientMessage,
  ClientMessageSchema,
  jsonShapeProblem,
  LIMITS,
  PROTOCOL_VERSION,
  type ProtocolError,
  WIRE,
} from '../../protocol';
import { protocolError } from '../protocol-failure';

/** The acknowledgement callback socket.io passes as a packet's last argument. */
export type AckFn = (answer: unknown) => void;

/** Client → server event names the server handles; any other is answered `MESSAGE_UNKNOWN`. */
export const KNOWN_EVENTS: ReadonlySet<string> = new Set([WIRE.join, WIRE.resume, WIRE.msg, WIRE.ack]);

const KNOWN_KINDS: ReadonlySet<string> = new Set(
  ClientMessageSchema.options.map((o) => o.entries.kind.literal),
);

/** Splits a packet's arguments into its payload (the first) and its acknowledgement callback. */
export function splitArgs(args: readonly unknown[]): { payload: unknown; ack: AckFn | null } {
  const last = args.at(-1);
  const ack = typeof last === 'function' ? (last as AckFn) : null;
  return { payload: args[0] === ack ? undefined : args[0], ack };
}

/** True for an error rather than a parsed value. */
export const isProtocolError = (value: unknown): value is ProtocolError =>
  typeof value === 'object' && value !== null && 'code' in value && 'message' in value && !('kind' in value);

/**
 * `MESSAGE_MALFORMED` when `value` is not plain JSON within the protocol's depth and value limits,
 * else `MESSAGE_TOO_LARGE` when its JSON is over the protocol's size limit. The shape comes first: it
 * is what makes serializing `value` safe.
 */
export function checkPayload(value: unknown): ProtocolError | null {
  const problem = jsonShapeProblem(value);
  if (problem) return protocolError('MESSAGE_MALFORMED', `message holds ${problem}`);
  let bytes: number;
  try {
    bytes = Buffer.byteLength(JSON.stringify(value) ?? '');
  } catch {
    return protocolError('MESSAGE_MALFORMED', 'message is not JSON');
  }
  if (bytes <= LIMITS.maxMessageBytes) return null;
  return protocolError(
    'MESSAGE_TOO_LARGE',
    `message is ${bytes} bytes of JSON; the limit is ${LIMITS.maxMessageBytes}`,
  );
}

/** `PROTOCOL_VERSION_UNSUPPORTED` when a join/resume names a numeric version other than ours. */
export function checkVersion(payload: unknown): ProtocolError | null {
  if (typeof payload !== 'object' || payload === null || !('v' in payload)) return null;
  const version = payload.v;
  if (typeof version !== 'number' || version === PROTOCOL_VERSION) return null;
  return protocolError(
    'PROTOCOL_VERSION_UNSUPPORTED',
    `protocol version ${version} is not supported; this server speaks ${PROTOCOL_VERSION}`,
  );
}

/** Parses `payload` with `schema`, or answers `MESSAGE_MALFORMED` naming what is wrong. */
export function parseWith<TSchema extends v.GenericSchema>(
  schema: TSchema,
  payload: unknown,
  what: string,
): v.InferOutput<TSchema> | ProtocolError {
  const parsed = v.safeParse(schema, payload);
  if (parsed.success) return parsed.output;
  return protocolError('MESSAGE_MALFORMED', `invalid ${what}: ${v.summarize(parsed.issues)}`);
}

/**
 * Checks one client message in the protocol's order: shape (`MESSAGE_MALFORMED`), size
 * (`MESSAGE_TOO_LARGE`), kind (`MESSAGE_UNKNOWN`), fields (`MESSAGE_MALFORMED`).
 */
export function parseClientMessage(raw: unknown): ClientMessage | ProtocolError {
  const refused = checkPayload(raw);
  if (refused) return refused;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return protocolError('MESSAGE_MALFORMED', 'message must be an object with a "kind"');
  }
  const kind = (raw as { kind?: unknown }).kind;
  if (typeof kind !== 'string' || !KNOWN_KINDS.has(kind)) {
    return protocolError('MESSAGE_UNKNOWN', `unknown message kind ${JSON.stringify(kind) ?? 'undefined'}`);
  }
  return parseWith(ClientMessageSchema, raw, `"${kind}" message`);
}
