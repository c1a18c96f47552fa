import type { BenchGroup } from '../lib/group';

/**
 * Every bench group by name, loaded on demand. Later issues add theirs here (media, bundle, …);
 * `bench/run.ts` runs them all, or the ones named on its command line.
 */
export const GROUPS: Record<string, () => Promise<BenchGroup>> = {
  signaling: async () => (await import('./signaling')).signalingGroup,
  bundle: async () => (await import('../bundle')).bundleGroup,
  media: async () => (await import('../media')).mediaGroup,
  flows: async () => (await import('../flows')).flowsGroup,
  server: async () => (await import('./server')).serverGroup,
  cluster: async () => (await import('./cluster')).clusterGroup,
  'cluster-media': async () => (await import('./cluster-media')).clusterMediaGroup,
};
