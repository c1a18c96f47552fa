/**
 * The holdfast wire protocol: every message between client and server, defined once as a valibot
 * schema and validated on both ends. See docs/protocol.md.
 * @packageDocumentation
 */
export * from './client-messages';
export * from './entities';
export * from './errors';
export * from './events';
export * from './json-shape';
export * from './media';
export * from './reasons';
export * from './rest';
export * from './server-messages';
export * from './version';
