-- Settlement of one admitted request in Redis (see limit-admit.lua for the keys): its actual
-- tokens replace its reservation in the token log while its entry is still in the window, its
-- concurrency slot is released, and its reserved dollars move into spent at the actual cost.
-- Once only (the caller settles each admission once): each step consumes what the admission
-- left (the token entry is renamed <id>:s, the slot and the 'r:<id>' field are removed). A
-- reservation already given back (limit-reap.lua took this instance for dead: it was cut off
-- from Redis for longer than its liveness) still has its cost counted.
--
-- KEYS, four per scope: t, tw, c, b
-- ARGV[1] now ms   ARGV[2] reservation id   ARGV[3] actual tokens   ARGV[4] actual usd
-- then four per scope: tpm counted (1/0), concurrency held (1/0), budget reserved (1/0),
--   the budget's period name and the start of that period at now (ms) as one "name:start" word

local MINUTE = 60000
local now = tonumber(ARGV[1])
local id = ARGV[2]
local tokens = tonumber(ARGV[3])
local usd = tonumber(ARGV[4])

local function int(x)
  return string.format('%.0f', x)
end
local function amount(x)
  return string.format('%.17g', x)
end

for i = 1, #KEYS / 4 do
  local k = (i - 1) * 4
  local a = 4 + (i - 1) * 4
  if ARGV[a + 1] == '1' then
    local t, tw = KEYS[k + 1], KEYS[k + 2]
    local score = redis.call('ZSCORE', t, id)
    local old = redis.call('HGET', tw, id)
    if score and old and now - tonumber(score) < MINUTE then
      -- add before removing: a sorted set left empty would vanish, and come back without its TTL
      redis.call('ZADD', t, score, id .. ':s')
      redis.call('ZREM', t, id)
      redis.call('HSET', tw, id .. ':s', int(tokens))
      redis.call('HDEL', tw, id)
      redis.call('HINCRBY', tw, 'sum', int(tokens - tonumber(old)))
    end
  end
  if ARGV[a + 2] == '1' then
    redis.call('ZREM', KEYS[k + 3], id)
  end
  if ARGV[a + 3] == '1' then
    local b = KEYS[k + 4]
    local mine = redis.call('HGET', b, 'r:' .. id)
    if mine or redis.call('EXISTS', b) == 1 then
      local h = redis.call('HMGET', b, 'period', 'start', 'spent', 'reserved')
      local reserved = (tonumber(h[4]) or 0) - (tonumber(mine) or 0)
      if reserved < 1e-12 then reserved = math.max(0, reserved) end
      local spent = tonumber(h[3]) or 0
      local period, start = string.match(ARGV[a + 4], '^(.*):(%d+)$')
      if h[1] == period and tonumber(h[2]) ~= tonumber(start) then
        -- the period rolled while the request ran: its cost counts in the new one
        spent = 0
        redis.call('HSET', b, 'start', start)
      end
      redis.call('HDEL', b, 'r:' .. id)
      redis.call('HSET', b, 'spent', amount(spent + usd), 'reserved', amount(reserved))
    end
  end
end
return 1
