-- Admission by limits and budgets in Redis: the twin of dev.switchboard.limit.LocalLimiter's
-- admitNow, for every scope of one request (its key, its team) at once. Check every scope, then
-- count the request in every scope, or in none. Nothing here reads the clock: the caller passes
-- the time, and the budget period (UTC calendar) it computed. Runs on Redis 6.2 and 7.x.
--
-- KEYS, six per scope, in scope order:
--   m   rpm log   sorted set, member = reservation id, score = admission ms
--   d   rpd log   the same, over a day
--   t   tpm log   the same; the tokens of each entry are in tw
--   tw  hash: field <id> = the entry's tokens, field 'sum' = the tokens of every entry in t
--   c   in flight  sorted set, member = reservation id, score = admission ms (leased: a crashed
--                  instance's requests stop counting after the lease)
--   b   budget    hash: period, start, spent, reserved; field 'r:<id>' = a request's reservation
-- then one more: the set of the scopes where some request holds a slot or dollars (their key
--   prefix), where limit-reap.lua looks for what instances that stopped living held
-- ARGV[1] now ms   ARGV[2] reservation id   ARGV[3] tokens reserved   ARGV[4] usd reserved
-- ARGV[5] concurrency lease ms   ARGV[6] TTL slack ms
-- then ten per scope: rpm, rpd, tpm, maxConcurrent (-1 = not set), hasBudget (1/0),
--   maxUsd, period name, period start ms, budget TTL ms (0 = no TTL: a total budget),
--   the period's spend as the store's usage records say (a floor: the ledger never counts less)
--
-- Returns {admitted (1/0), denied scope (1-based, 0 when admitted), reason (1 rpm, 2 rpd, 3 tpm,
-- 4 maxConcurrent, 5 budget spent, 6 budget held by reservations), then per scope: minute count, oldest minute entry ms (-1 if none),
-- day count, oldest day entry ms, token sum, oldest token entry ms}: every scope's figures when
-- admitted (after counting), those of the scopes up to the denying one when denied.

local MINUTE = 60000
local DAY = 86400000
local now = tonumber(ARGV[1])
local id = ARGV[2]
local tokens = tonumber(ARGV[3])
local usd = tonumber(ARGV[4])
local lease = tonumber(ARGV[5])
local slack = tonumber(ARGV[6])
local scopes = math.floor(#KEYS / 6)
local holding = KEYS[#KEYS]

-- integers as plain digits, amounts exactly (17 significant digits round-trip a double)
local function int(x)
  return string.format('%.0f', x)
end
local function amount(x)
  return string.format('%.17g', x)
end

local function evictTokens(t, tw)
  local gone = redis.call('ZRANGEBYSCORE', t, '-inf', int(now - MINUTE))
  if #gone == 0 then return end
  local sum = tonumber(redis.call('HGET', tw, 'sum')) or 0
  for _, member in ipairs(gone) do
    local w = redis.call('HGET', tw, member)
    if w then
      sum = sum - tonumber(w)
      redis.call('HDEL', tw, member)
    end
  end
  redis.call('HSET', tw, 'sum', int(sum))
  redis.call('ZREMRANGEBYSCORE', t, '-inf', int(now - MINUTE))
end

local function oldest(key)
  local first = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  if #first == 0 then return -1 end
  return tonumber(first[2])
end

local function figures(i, out)
  local k = (i - 1) * 6
  table.insert(out, redis.call('ZCARD', KEYS[k + 1]))
  table.insert(out, oldest(KEYS[k + 1]))
  table.insert(out, redis.call('ZCARD', KEYS[k + 2]))
  table.insert(out, oldest(KEYS[k + 2]))
  table.insert(out, tonumber(redis.call('HGET', KEYS[k + 4], 'sum')) or 0)
  table.insert(out, oldest(KEYS[k + 3]))
end

-- check every scope; budgets roll to the current period first (spending starts again, reservations carry).
-- A budget only held by reservations (6) is answered last: another scope's refusal (a spent team
-- budget, a rate limit) says more about when to come back.
local reserved = {}
local held = 0
for i = 1, scopes do
  local k = (i - 1) * 6
  local a = 6 + (i - 1) * 10
  local rpm, rpd, tpm, maxConcurrent = tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2]), tonumber(ARGV[a + 3]), tonumber(ARGV[a + 4])
  redis.call('ZREMRANGEBYSCORE', KEYS[k + 1], '-inf', int(now - MINUTE))
  redis.call('ZREMRANGEBYSCORE', KEYS[k + 2], '-inf', int(now - DAY))
  evictTokens(KEYS[k + 3], KEYS[k + 4])
  redis.call('ZREMRANGEBYSCORE', KEYS[k + 5], '-inf', int(now - lease))
  local reason = 0
  if rpm >= 0 and redis.call('ZCARD', KEYS[k + 1]) >= rpm then
    reason = 1
  elseif rpd >= 0 and redis.call('ZCARD', KEYS[k + 2]) >= rpd then
    reason = 2
  elseif tpm >= 0 and (tonumber(redis.call('HGET', KEYS[k + 4], 'sum')) or 0) >= tpm then
    reason = 3
  elseif maxConcurrent >= 0 and redis.call('ZCARD', KEYS[k + 5]) >= maxConcurrent then
    reason = 4
  elseif ARGV[a + 5] == '1' then
    local b = KEYS[k + 6]
    local h = redis.call('HMGET', b, 'period', 'start', 'spent', 'reserved')
    local spent = tonumber(h[3]) or 0
    reserved[i] = tonumber(h[4]) or 0
    if h[1] ~= ARGV[a + 7] or tonumber(h[2]) ~= tonumber(ARGV[a + 8]) then
      spent = 0
      redis.call('HSET', b, 'period', ARGV[a + 7], 'start', ARGV[a + 8], 'spent', '0', 'reserved', amount(reserved[i]))
    end
    local floor = tonumber(ARGV[a + 10]) or 0
    if floor > spent then
      -- the ledger started over (a lost key, a changed period) below what the store has counted
      spent = floor
      redis.call('HSET', b, 'spent', amount(spent))
      local ttl = tonumber(ARGV[a + 9])
      if ttl > 0 then redis.call('PEXPIRE', b, ttl) end
    end
    -- spent within a billionth of the budget is spent: a sum of costs drifts (200 × 15e-6 = 0.0029999999999999914)
    -- 5: spent; 6: not spent, but held by the reservations of requests in flight
    local max = tonumber(ARGV[a + 6]) * (1 - 1e-9)
    if spent + reserved[i] >= max then
      if spent >= max then reason = 5 else reason = 6 end
    end
  end
  if reason == 6 then
    if held == 0 then held = i end
  elseif reason ~= 0 then
    local out = {0, i, reason}
    for j = 1, i do figures(j, out) end
    return out
  end
end
if held ~= 0 then
  local out = {0, held, 6}
  for j = 1, held do figures(j, out) end
  return out
end

-- every scope admits: count the request in each
local out = {1, 0, 0}
for i = 1, scopes do
  local k = (i - 1) * 6
  local a = 6 + (i - 1) * 10
  if tonumber(ARGV[a + 4]) >= 0 or ARGV[a + 5] == '1' then
    redis.call('SADD', holding, string.sub(KEYS[k + 1], 1, -2))
  end
  if tonumber(ARGV[a + 1]) >= 0 then
    redis.call('ZADD', KEYS[k + 1], int(now), id)
    redis.call('PEXPIRE', KEYS[k + 1], MINUTE + slack)
  end
  if tonumber(ARGV[a + 2]) >= 0 then
    redis.call('ZADD', KEYS[k + 2], int(now), id)
    redis.call('PEXPIRE', KEYS[k + 2], DAY + slack)
  end
  if tonumber(ARGV[a + 3]) >= 0 then
    redis.call('ZADD', KEYS[k + 3], int(now), id)
    redis.call('HSET', KEYS[k + 4], id, int(tokens))
    redis.call('HINCRBY', KEYS[k + 4], 'sum', int(tokens))
    redis.call('PEXPIRE', KEYS[k + 3], MINUTE + slack)
    redis.call('PEXPIRE', KEYS[k + 4], MINUTE + slack)
  end
  if tonumber(ARGV[a + 4]) >= 0 then
    redis.call('ZADD', KEYS[k + 5], int(now), id)
    redis.call('PEXPIRE', KEYS[k + 5], lease + slack)
  end
  if ARGV[a + 5] == '1' then
    local b = KEYS[k + 6]
    redis.call('HSET', b, 'r:' .. id, ARGV[4], 'reserved', amount(reserved[i] + usd))
    local ttl = tonumber(ARGV[a + 9])
    if ttl > 0 then redis.call('PEXPIRE', b, ttl) else redis.call('PERSIST', b) end
  end
  figures(i, out)
end
return out
