-- The circuit breaker's transitions in Redis: the twin of dev.switchboard.routing.CircuitPolicy,
-- rule for rule, so that every instance applies them atomically to one shared state. The caller
-- passes the time and the policy's numbers; nothing here reads the clock. Runs on Redis 6.2 and 7.x.
--
-- KEYS[1]  the circuit's hash: fails, windowStartMs, openUntilMs, level, probeUntilMs, ver
-- KEYS[2]  the namespace's change counter (every change gets the next number, its ver)
-- ARGV[1]  op: success | failure | throttle | quarantine | claim | release | sync
-- ARGV[2]  nowMs         ARGV[3] allowedFails    ARGV[4] windowMs   ARGV[5] initialCooldownMs
-- ARGV[6]  maxCooldownMs ARGV[7] probeLeaseMs    ARGV[8] retryAfterMs (throttle)
-- ARGV[9]  ttlMs of the hash   ARGV[10] channel to publish changes on   ARGV[11] the circuit's key
-- ARGV[12..16]  sync only: the caller's state (fails, windowStartMs, openUntilMs, level, probeUntilMs),
--               kept when it is open longer than what Redis holds (a circuit opened during an outage)
--
-- Returns {changed, ver, fails, windowStartMs, openUntilMs, level, probeUntilMs}; for claim,
-- changed = 1 means this caller won the probe. A change is published as
-- "ver|fails|windowStartMs|openUntilMs|level|probeUntilMs|key"; a circuit back to clean is deleted.

local h = redis.call('HMGET', KEYS[1], 'fails', 'windowStartMs', 'openUntilMs', 'level', 'probeUntilMs', 'ver')
local fails = tonumber(h[1]) or 0
local ws = tonumber(h[2]) or 0
local ou = tonumber(h[3]) or 0
local lvl = tonumber(h[4]) or 0
local pu = tonumber(h[5]) or 0
local ver = tonumber(h[6]) or 0

local op = ARGV[1]
local now = tonumber(ARGV[2])
local allowed = tonumber(ARGV[3])
local window = tonumber(ARGV[4])
local initial = tonumber(ARGV[5])
local max = tonumber(ARGV[6])
local lease = tonumber(ARGV[7])

local function cooldown(level)
  local shift = math.min(math.max(level - 1, 0), 30)
  return math.min(max, initial * 2 ^ shift)
end

local function opened(level, ms)
  return {0, 0, now + ms, level, 0}
end

local cooling = ou ~= 0 and now < ou
local n = nil -- the next state; nil when nothing changes

if op == 'success' then
  -- a success while cooling is a late answer to a request sent before the circuit opened
  if not cooling then n = {0, 0, 0, 0, 0} end
elseif op == 'failure' then
  if ou ~= 0 then
    -- a failed probe re-opens one level up; a late failure while cooling changes nothing
    if now >= ou then n = opened(lvl + 1, cooldown(lvl + 1)) end
  else
    local inWindow = fails > 0 and now - ws < window
    local f = 1
    local start = now
    if inWindow then
      f = fails + 1
      start = ws
    end
    if f >= allowed then n = opened(lvl + 1, cooldown(lvl + 1)) else n = {f, start, 0, lvl, 0} end
  end
elseif op == 'throttle' then
  local retryAfter = tonumber(ARGV[8])
  if retryAfter > 0 then
    n = {0, 0, math.max(ou, now + retryAfter), lvl, 0}
  elseif not cooling then
    n = opened(lvl + 1, cooldown(lvl + 1))
  end
elseif op == 'quarantine' then
  n = opened(math.max(lvl + 1, 1), max)
elseif op == 'claim' then
  if ou ~= 0 and now >= ou and pu <= now then n = {0, 0, ou, lvl, now + lease} end
elseif op == 'release' then
  -- a probe that ended without a verdict gives its claim back
  if ou ~= 0 and now >= ou and pu > now then n = {fails, ws, ou, lvl, 0} end
elseif op == 'sync' then
  local mine = {tonumber(ARGV[12]), tonumber(ARGV[13]), tonumber(ARGV[14]), tonumber(ARGV[15]), tonumber(ARGV[16])}
  if mine[3] > ou then n = mine end
else
  return redis.error_reply('ERR unknown circuit op ' .. tostring(op))
end

if n == nil or (n[1] == fails and n[2] == ws and n[3] == ou and n[4] == lvl and n[5] == pu) then
  return {0, ver, fails, ws, ou, lvl, pu}
end

-- integers as plain digits (epoch milliseconds are beyond what tostring prints exactly everywhere)
local function int(x)
  return string.format('%.0f', x)
end

ver = redis.call('INCR', KEYS[2])
if n[1] == 0 and n[2] == 0 and n[3] == 0 and n[4] == 0 and n[5] == 0 then
  redis.call('DEL', KEYS[1])
else
  redis.call('HSET', KEYS[1], 'fails', int(n[1]), 'windowStartMs', int(n[2]), 'openUntilMs', int(n[3]),
    'level', int(n[4]), 'probeUntilMs', int(n[5]), 'ver', int(ver))
  redis.call('PEXPIRE', KEYS[1], ARGV[9])
end
redis.call('PUBLISH', ARGV[10], int(ver) .. '|' .. int(n[1]) .. '|' .. int(n[2]) .. '|' .. int(n[3]) .. '|'
  .. int(n[4]) .. '|' .. int(n[5]) .. '|' .. ARGV[11])
return {1, ver, n[1], n[2], n[3], n[4], n[5]}
