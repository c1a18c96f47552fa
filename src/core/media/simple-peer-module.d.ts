// The prebuilt bundle of simple-peer 9 (it carries its own `global`/`Buffer`/`process` shims, so apps
// need no bundler config). Typed loosely here; `simple-peer-like.ts` is the surface holdfast uses.
declare module 'simple-peer/simplepeer.min.js' {
  const SimplePeer: new (options: Record<string, unknown>) => unknown;
  export default SimplePeer;
}
