-- An instance announces that it lives (see limit-reap.lua): it joins the registry and sets its
-- liveness key for ARGV[2] ms, together, so the registry never names an instance that has not
-- set its key yet.
--
-- KEYS[1] the registry (a set of instance ids)   KEYS[2] this instance's liveness key
-- ARGV[1] this instance's id   ARGV[2] how long the key lasts, ms
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], '1', 'PX', ARGV[2])
return 1
