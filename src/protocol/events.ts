import type { ClientAck, ClientEnvelope, JoinRequest, ResumeRequest } from './client-messages';
import type {
  ErrorNotice,
  JoinReply,
  MessageReply,
  MoveNotice,
  NodesNotice,
  ResumeReply,
  ServerEnvelope,
} from './server-messages';

/** Socket.io event names, one place for both ends. */
export const WIRE = {
  join: 'hf:join',
  resume: 'hf:resume',
  msg: 'hf:msg',
  ack: 'hf:ack',
  evt: 'hf:evt',
  error: 'hf:error',
  move: 'hf:move',
  nodes: 'hf:nodes',
} as const;

/**
 * Client → server socket.io events. Payloads are typed here for the honest sender, but the server
 * validates every one of them against its schema before use.
 */
export interface ClientToServerEvents {
  'hf:join': (req: JoinRequest, reply: (res: JoinReply) => void) => void;
  'hf:resume': (req: ResumeRequest, reply: (res: ResumeReply) => void) => void;
  'hf:msg': (env: ClientEnvelope, reply: (res: MessageReply) => void) => void;
  'hf:ack': (ack: ClientAck) => void;
}

/** Server → client socket.io events; the client validates each against its schema. */
export interface ServerToClientEvents {
  'hf:evt': (env: ServerEnvelope) => void;
  'hf:error': (notice: ErrorNotice) => void;
  'hf:move': (notice: MoveNotice) => void;
  'hf:nodes': (notice: NodesNotice) => void;
}
