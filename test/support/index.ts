/**
 * The real-browser fault harness: Chromium pages, the server process, transport proxies, TURN.
 * @packageDocumentation
 */
export * from './call-env';
export * from './child-processes';
export * from './chromium';
export * from './fixture-build';
export * from './free-port';
export * from './page-server';
export * from './participant';
export * from './raw-client';
export * from './server-process';
export * from './tcp-proxy';
export * from './turn';
export * from './udp-proxy';
export * from './wait';
