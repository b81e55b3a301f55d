-- Gives back what instances that stopped living held (see limit-admit.lua): a request's
-- concurrency slot and its budget reservation carry its instance's id before the '-' of the
-- reservation id. An instance announces itself (limit-live.lua: in the registry, and a liveness
-- key it renews every few seconds); one in the registry whose key is gone is dead. One that
-- never announced itself (a build from before, mid-upgrade) is never taken for dead. An
-- instance killed mid-request never settles: without this, its slots stayed taken for the
-- lease (15 minutes) and a total budget's reserved dollars for good. Scopes where nothing is
-- held any more leave the set; dead instances leave the registry.
--
-- KEYS[1] the set of scope key prefixes where requests hold something   KEYS[2] the registry
-- ARGV[1] the prefix of the liveness keys (followed by an instance id)
-- Returns how many slots and reservations it gave back.

local holding, registry = KEYS[1], KEYS[2]
local livePrefix = ARGV[1]
local dead = {}
for _, instance in ipairs(redis.call('SMEMBERS', registry)) do
  if redis.call('EXISTS', livePrefix .. instance) == 0 then dead[instance] = true end
end
if next(dead) == nil then return 0 end

local function held_by_dead(id)
  local instance = string.match(id, '^([^-]+)-')
  return instance ~= nil and dead[instance] == true
end

local reaped = 0
for _, p in ipairs(redis.call('SMEMBERS', holding)) do
  local holds = false
  local c = p .. 'c'
  for _, member in ipairs(redis.call('ZRANGE', c, 0, -1)) do
    if held_by_dead(member) then
      redis.call('ZREM', c, member)
      reaped = reaped + 1
    else
      holds = true
    end
  end
  local b = p .. 'b'
  local back = 0
  for _, field in ipairs(redis.call('HKEYS', b)) do
    if string.sub(field, 1, 2) == 'r:' then
      if held_by_dead(string.sub(field, 3)) then
        back = back + (tonumber(redis.call('HGET', b, field)) or 0)
        redis.call('HDEL', b, field)
        reaped = reaped + 1
      else
        holds = true
      end
    end
  end
  if back > 0 then
    local reserved = (tonumber(redis.call('HGET', b, 'reserved')) or 0) - back
    if reserved < 1e-12 then reserved = math.max(0, reserved) end
    redis.call('HSET', b, 'reserved', string.format('%.17g', reserved))
  end
  if not holds then redis.call('SREM', holding, p) end
end
for instance in pairs(dead) do redis.call('SREM', registry, instance) end
return reaped
