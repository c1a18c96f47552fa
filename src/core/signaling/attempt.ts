import type { JoinRequest, JoinSuccess, ProtocolError, ResumeRequest, ResumeSuccess } from '../../protocol';

/** The node that answered (its `bootId` changes when the process restarts). */
export type NodeInfo = JoinSuccess['node'];

/** What one connect attempt came to. */
export type AttemptOutcome =
  | { kind: 'joined'; reply: JoinSuccess }
  /** `movedTo`: the resume was a migration to the node at that URL. */
  | { kind: 'resumed'; reply: ResumeSuccess; movedTo?: string }
  /** The server answered and said no. */
  | { kind: 'refused'; error: ProtocolError; node: NodeInfo | undefined }
  /**
   * No usable answer: transport error, timeout, or an answer that breaks the protocol. `requestSent`:
   * the join or resume went out, so the server may have acted on it (and used the join's token).
   */
  | { kind: 'failed'; message: string; requestSent?: boolean }
  /** Abandoned by its owner (a newer attempt, leave); `requestSent` as for `failed`. */
  | { kind: 'aborted'; requestSent?: boolean };

/** Which request an attempt sends on its fresh socket. */
export type AttemptRequest =
  | { kind: 'join'; request: JoinRequest }
  | { kind: 'resume'; request: ResumeRequest };
