import type { JoinRequest, JoinSuccess, ProtocolError, ResumeRequest, ResumeSuccess } from '../../protocol';

/** The node that answered (its `bootId` changes when the process restarts). */
export type NodeInfo = JoinSuccess['node'];

/** What one connect attempt came to. */
export type AttemptOutcome =
  | { kind: 'joined'; reply: JoinSuccess }
  | { kind: 'resumed'; reply: ResumeSuccess }
  /** The server answered and said no. */
  | { kind: 'refused'; error: ProtocolError; node: NodeInfo | undefined }
  /** No usable answer: transport error, timeout, or an answer that breaks the protocol. */
  | { kind: 'failed'; message: string }
  /** Abandoned by its owner (a newer attempt, leave). */
  | { kind: 'aborted' };

/** Which request an attempt sends on its fresh socket. */
export type AttemptRequest =
  | { kind: 'join'; request: JoinRequest }
  | { kind: 'resume'; request: ResumeRequest };
