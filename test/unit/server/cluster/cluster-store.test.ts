import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClusterStore, LeaseClaim } from '../../../../src/server/cluster/cluster-store';
import { MemoryClusterStore } from '../../../../src/server/cluster/memory-cluster-store';
import { RedisClusterStore } from '../../../../src/server/cluster/redis-cluster-store';
import { RedisProcess } from '../../../support/redis-process';
import { delay } from '../../../support/wait';

const TTL = 200;
const LAPSE = 300;
const claim = (nodeId: string, bootId: string, extra: Partial<LeaseClaim> = {}): LeaseClaim => ({
  nodeId,
  bootId,
  url: `http://${nodeId}`,
  draining: false,
  capacity: 10,
  ttlMs: TTL,
  ...extra,
});

let counter = 0;
/** Node ids unique to one test: the stores are shared by every test of a suite. */
const ids = () => {
  counter += 1;
  return { a: `a${counter}`, b: `b${counter}`, c: `c${counter}`, s: `s${counter}` };
};

/** Runs the contract against a fresh, empty store per test (`make` is given a unique key prefix). */
function contract(name: string, make: (prefix: string) => Promise<ClusterStore>, done: () => Promise<void>) {
  describe(`ClusterStore contract: ${name}`, () => {
    let store: ClusterStore;
    beforeEach(async () => {
      store = await make(`t${counter}:`);
    });
    afterEach(() => store.dispose());
    afterAll(done);

    it('gives a lease to one boot, extends it, refuses another boot of the same node while it lives', async () => {
      const { a } = ids();
      const first = await store.renew(claim(a, 'boot1'));
      expect(first).toMatchObject({ kind: 'held' });
      const again = await store.renew(claim(a, 'boot1'));
      expect(again).toEqual(first);
      expect(await store.renew(claim(a, 'boot2'))).toEqual({ kind: 'busy' });
      expect((await store.liveNodes()).map((n) => n.nodeId)).toContain(a);
    });

    it('a lapsed lease is re-acquired by the same boot with a higher fence, and nobody is fenced', async () => {
      const { a } = ids();
      const first = await store.renew(claim(a, 'boot1'));
      await delay(TTL + 50);
      const second = await store.renew(claim(a, 'boot1'));
      expect(second.kind).toBe('held');
      if (first.kind === 'held' && second.kind === 'held') expect(second.fence).toBe(first.fence + 1);
      expect(await store.isCrashed(a)).toBe(false);
    });

    it('declares a lapsed boot crashed exactly once among racing callers, fences it, unplaces its sessions', async () => {
      const { a, b, s } = ids();
      await store.renew(claim(a, 'boot-a'));
      await store.renew(claim(b, 'boot-b'));
      await store.create(s, '', Date.now());
      const placed = await store.place(s);
      expect(placed).toBeDefined();
      const victim = placed?.nodeId === a ? a : b;
      const survivor = victim === a ? b : a;
      const victimBoot = victim === a ? 'boot-a' : 'boot-b';
      // Only the survivor keeps renewing.
      const until = Date.now() + LAPSE + 150;
      while (Date.now() < until) {
        await store.renew(claim(survivor, survivor === a ? 'boot-a' : 'boot-b'));
        await delay(50);
      }
      expect(await store.declareCrashed(victim, victimBoot, LAPSE * 10)).toBeUndefined();
      expect(await store.lapsed(LAPSE)).toContainEqual({ nodeId: victim, bootId: victimBoot });
      const racers = await Promise.all(
        Array.from({ length: 5 }, () => store.declareCrashed(victim, victimBoot, LAPSE)),
      );
      const winners = racers.filter((d) => d !== undefined);
      expect(winners).toHaveLength(1);
      expect(winners[0]).toMatchObject({ nodeId: victim, bootId: victimBoot, sessions: [s] });
      expect(await store.isCrashed(victim, victimBoot)).toBe(true);
      expect(await store.isCrashed(victim)).toBe(true);
      expect(await store.renew(claim(victim, victimBoot))).toEqual({ kind: 'fenced' });
      expect(await store.get(s)).toMatchObject({ nodeId: '', crashedOn: victim });
      expect(await store.place(s)).toMatchObject({ nodeId: survivor });
      expect(await store.lapsed(LAPSE)).not.toContainEqual({ nodeId: victim, bootId: victimBoot });
      // The crashed node's next boot takes the lease (the old boot is declared).
      expect(await store.renew(claim(victim, 'boot-next'))).toMatchObject({ kind: 'held' });
    });

    it('places on a live node with room, keeps the placement, skips draining nodes', async () => {
      const { a, b, s } = ids();
      await store.renew(claim(a, 'boot-a', { draining: true }));
      await store.renew(claim(b, 'boot-b', { capacity: 1 }));
      await store.create(s, '', Date.now());
      await store.create(`${s}-2`, '', Date.now());
      const placed = await store.place(s);
      expect(placed?.nodeId).not.toBe(a);
      expect(await store.place(s)).toEqual(placed);
      expect((await store.get(s))?.nodeId).toBe(placed?.nodeId);
      expect(await store.place('no-such-session')).toBeUndefined();
    });

    it('records sessions: idempotent create, close, a new incarnation after close', async () => {
      const { a, s } = ids();
      const created = await store.create(s, a, 1000);
      expect(created).toMatchObject({ created: true, record: { sessionId: s, nodeId: a, createdAt: 1000 } });
      const again = await store.create(s, a, 2000);
      expect(again.created).toBe(false);
      expect(again.record.incarnation).toBe(created.record.incarnation);
      const open = await store.countOpen();
      expect(await store.close(s, 3000)).toMatchObject({ sessionId: s, closedAt: 3000 });
      expect(await store.close(s, 3001)).toBeUndefined();
      expect(await store.countOpen()).toBe(open - 1);
      expect(await store.get(s)).toMatchObject({ closedAt: 3000 });
      const reborn = await store.create(s, a, 4000);
      expect(reborn.created).toBe(true);
      expect(reborn.record.incarnation).not.toBe(created.record.incarnation);
    });

    it('lists the sessions placed on a node, and closes for a node only what is unplaced or placed on it', async () => {
      const { a, b, s } = ids();
      await store.renew(claim(a, 'boot-a'));
      await store.renew(claim(b, 'boot-b', { draining: true }));
      await store.create(s, '', 1000);
      await store.create(`${s}-free`, '', 1000);
      expect((await store.place(s))?.nodeId).toBe(a);
      expect(await store.placedSessions(a)).toEqual([s]);
      expect(await store.placedSessions(b)).toEqual([]);
      // b's expiry must not close a's session; a's may; an unplaced one any node may.
      expect(await store.close(s, 2000, b)).toBeUndefined();
      expect(await store.get(s)).not.toHaveProperty('closedAt');
      expect(await store.close(`${s}-free`, 2000, b)).toMatchObject({ closedAt: 2000 });
      expect(await store.close(s, 2001, a)).toMatchObject({ closedAt: 2001 });
      expect(await store.placedSessions(a)).toEqual([]);
    });

    it('a node that leaves is neither live nor lapsed', async () => {
      const { a } = ids();
      await store.renew(claim(a, 'boot1'));
      await store.leave(a, 'boot1');
      expect((await store.liveNodes()).map((n) => n.nodeId)).not.toContain(a);
      await delay(LAPSE + 50);
      expect((await store.lapsed(LAPSE)).map((n) => n.nodeId)).not.toContain(a);
    });
  });
}

contract(
  'memory',
  async () => new MemoryClusterStore(),
  async () => {},
);

let redis: RedisProcess | undefined;
contract(
  'redis',
  async (prefix) => {
    redis ??= await RedisProcess.start();
    const store = new RedisClusterStore({ url: redis.url, prefix });
    await store.connect();
    return store;
  },
  async () => {
    await redis?.stop();
  },
);
