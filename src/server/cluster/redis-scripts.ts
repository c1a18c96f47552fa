/**
 * Lua scripts of {@link RedisClusterStore}: each read-and-write step runs atomically inside Redis,
 * on Redis's clock (`TIME`). Keys are built from the prefix passed as the first argument, so every
 * script is one command whatever the node count (single Redis instance, not Redis Cluster).
 */

const NOW = `local t = redis.call('TIME'); local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** ARGV: prefix, nodeId, bootId, url, draining(0|1), capacity, ttlMs → {'held', fence} | {'busy'} | {'fenced'}. */
export const RENEW = `
${NOW}
local p, node, boot = ARGV[1], ARGV[2], ARGV[3]
if redis.call('EXISTS', p .. 'tomb:' .. node .. ':' .. boot) == 1 then return {'fenced'} end
local holder = redis.call('GET', p .. 'lease:' .. node)
if holder and holder ~= boot then return {'busy'} end
local known = redis.call('HGET', p .. 'node:' .. node, 'bootId')
if (not holder) and known and known ~= boot then return {'busy'} end
local fence
if holder then fence = tonumber(redis.call('GET', p .. 'fence:' .. node) or '0')
else fence = redis.call('INCR', p .. 'fence:' .. node) end
redis.call('SET', p .. 'lease:' .. node, boot, 'PX', ARGV[7])
redis.call('HSET', p .. 'node:' .. node, 'bootId', boot, 'url', ARGV[4], 'draining', ARGV[5],
  'capacity', ARGV[6], 'renewedAt', now)
redis.call('SADD', p .. 'nodes', node)
return {'held', fence}
`;

/** ARGV: prefix, nodeId, bootId. */
export const LEAVE = `
local p, node, boot = ARGV[1], ARGV[2], ARGV[3]
if redis.call('HGET', p .. 'node:' .. node, 'bootId') ~= boot then return 0 end
redis.call('DEL', p .. 'lease:' .. node, p .. 'node:' .. node)
redis.call('SREM', p .. 'nodes', node)
return 1
`;

/** ARGV: prefix → flat list of node fields for every node holding a live lease. */
export const LIVE_NODES = `
local p = ARGV[1]
local out = {}
for _, node in ipairs(redis.call('SMEMBERS', p .. 'nodes')) do
  local h = redis.call('HMGET', p .. 'node:' .. node, 'bootId', 'url', 'draining', 'capacity')
  if h[1] and redis.call('GET', p .. 'lease:' .. node) == h[1] then
    table.insert(out, {node, h[1], h[2], h[3], h[4], redis.call('SCARD', p .. 'placed:' .. node)})
  end
end
return out
`;

/** ARGV: prefix, lapsedForMs → {{nodeId, bootId}, …} of lapsed boots nobody declared yet. */
export const LAPSED = `
${NOW}
local p, after = ARGV[1], tonumber(ARGV[2])
local out = {}
for _, node in ipairs(redis.call('SMEMBERS', p .. 'nodes')) do
  local h = redis.call('HMGET', p .. 'node:' .. node, 'bootId', 'renewedAt')
  if h[1] and redis.call('EXISTS', p .. 'lease:' .. node) == 0 and now - tonumber(h[2]) >= after then
    table.insert(out, {node, h[1]})
  end
end
return out
`;

/**
 * ARGV: prefix, nodeId, bootId, lapsedForMs, tombstoneTtlMs → {at, sessionId…} for the one caller
 * that declares, or false. The tombstone is written with SET NX: the lock and the fence in one key.
 */
export const DECLARE = `
${NOW}
local p, node, boot = ARGV[1], ARGV[2], ARGV[3]
local h = redis.call('HMGET', p .. 'node:' .. node, 'bootId', 'renewedAt')
if h[1] ~= boot or redis.call('EXISTS', p .. 'lease:' .. node) == 1 then return false end
if now - tonumber(h[2]) < tonumber(ARGV[4]) then return false end
if not redis.call('SET', p .. 'tomb:' .. node .. ':' .. boot, now, 'NX', 'PX', ARGV[5]) then return false end
redis.call('SET', p .. 'crashed:' .. node, boot, 'PX', ARGV[5])
redis.call('DEL', p .. 'node:' .. node)
redis.call('SREM', p .. 'nodes', node)
local sessions = redis.call('SMEMBERS', p .. 'placed:' .. node)
redis.call('DEL', p .. 'placed:' .. node)
for _, sid in ipairs(sessions) do
  redis.call('HSET', p .. 'sess:' .. sid, 'nodeId', '', 'crashedOn', node)
end
local out = {tostring(now)}
for _, sid in ipairs(sessions) do table.insert(out, sid) end
return out
`;

/** ARGV: prefix, sessionId → flat node fields of the placed node, or false. */
export const PLACE = `
local p, sid = ARGV[1], ARGV[2]
local key = p .. 'sess:' .. sid
local current = redis.call('HGET', key, 'nodeId')
if (not current) or redis.call('HEXISTS', key, 'closedAt') == 1 then return false end
local function usable(node)
  local h = redis.call('HMGET', p .. 'node:' .. node, 'bootId', 'url', 'draining', 'capacity')
  if not h[1] or h[3] == '1' or redis.call('GET', p .. 'lease:' .. node) ~= h[1] then return nil end
  return h
end
if current ~= '' then
  local h = usable(current)
  if h then return {current, h[1], h[2], h[3], h[4], redis.call('SCARD', p .. 'placed:' .. current)} end
end
local best, bestRoom, bestH = nil, -1, nil
for _, node in ipairs(redis.call('SMEMBERS', p .. 'nodes')) do
  local h = usable(node)
  if h then
    local cap = tonumber(h[4])
    local load = redis.call('SCARD', p .. 'placed:' .. node)
    local room = (cap - load) / cap
    if load < cap and room > bestRoom then best, bestRoom, bestH = node, room, h end
  end
end
if not best then return false end
if current ~= '' then redis.call('SREM', p .. 'placed:' .. current, sid) end
redis.call('SADD', p .. 'placed:' .. best, sid)
redis.call('HSET', key, 'nodeId', best)
return {best, bestH[1], bestH[2], bestH[3], bestH[4], redis.call('SCARD', p .. 'placed:' .. best)}
`;

/** ARGV: prefix, sessionId, nodeId, now, incarnation → {created(0|1), flat record fields}. */
export const CREATE = `
local p, sid = ARGV[1], ARGV[2]
local key = p .. 'sess:' .. sid
local created = 0
if redis.call('EXISTS', key) == 0 or redis.call('HEXISTS', key, 'closedAt') == 1 then
  redis.call('DEL', key)
  redis.call('HSET', key, 'sessionId', sid, 'createdAt', ARGV[4], 'nodeId', ARGV[3], 'incarnation', ARGV[5])
  redis.call('SADD', p .. 'open', sid)
  if ARGV[3] ~= '' then redis.call('SADD', p .. 'placed:' .. ARGV[3], sid) end
  created = 1
end
return {created, redis.call('HGETALL', key)}
`;

/**
 * ARGV: prefix, sessionId, now, closedTtlMs, onlyIfHostedBy ('' for any) → flat record fields of the
 * closed session, or false (unknown, closed, or placed on another node than onlyIfHostedBy).
 */
export const CLOSE = `
local p, sid = ARGV[1], ARGV[2]
local key = p .. 'sess:' .. sid
if redis.call('EXISTS', key) == 0 or redis.call('HEXISTS', key, 'closedAt') == 1 then return false end
local node = redis.call('HGET', key, 'nodeId')
if ARGV[5] ~= '' and node ~= '' and node ~= ARGV[5] then return false end
redis.call('HSET', key, 'closedAt', ARGV[3])
redis.call('PEXPIRE', key, ARGV[4])
redis.call('SREM', p .. 'open', sid)
if node ~= '' then redis.call('SREM', p .. 'placed:' .. node, sid) end
return redis.call('HGETALL', key)
`;
