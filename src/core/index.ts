/**
 * holdfast's framework-agnostic client core: sessions, signaling with resume, self-healing media.
 * No React here.
 * @packageDocumentation
 */

// The wire types the session's events carry (also on `holdfast/protocol`).
export type { DisconnectReason, NotificationReason, ProtocolError } from '../protocol';
export type { Clock, Random, TimerHandle } from './clock';
export { systemClock, systemRandom } from './clock';
export type { Disposer } from './emitter';
export { Emitter } from './emitter';
export type { ClientErrorCode, HoldfastErrorCode, HoldfastErrorData } from './errors';
export { CLIENT_ERROR_CODES, HoldfastError, isClientErrorCode } from './errors';
export type { LocalStream, Participant, PublishOptions, RemoteStream, StreamHealth } from './media/types';
export { createSession } from './session/create-session';
export type { ExceptionName, SessionEventMap, SessionEventName } from './session/events';
export type { SessionInternals } from './session/internals';
export type { GetToken, ReconnectPolicy, SessionOptions, TokenContext } from './session/options';
export type { Session, SignalOptions } from './session/session';
export { SESSION_EVENT_NAMES } from './session/session-event-names';
export type { JoinFailure, Recovery, RecoveryCause, SessionState, SessionStatus } from './session/state';
export type { SessionEnvironment } from './signaling/environment';
export { browserEnvironment } from './signaling/environment';
export type { SignalingSocket, SocketFactory, SocketOpenOptions } from './signaling/socket';
