/**
 * Lua scripts of the Redis engine. Each runs atomically on the server; the engine loads them
 * once (SCRIPT LOAD) and calls EVALSHA, falling back to EVAL when the server answers NOSCRIPT
 * (after a restart or SCRIPT FLUSH).
 */

/**
 * Fixed-window limiter over N rules. KEYS[i]: the counter of rule i in its current window.
 * ARGV[2i-1]: limit of rule i; ARGV[2i]: ms left in its window (the counter's TTL).
 * Returns {exceeded (1-based rule index, 0 = allowed), count_1, ..., count_N}.
 * Either every counter moves or none does, so a refused hit costs no quota.
 */
export const HIT = `
local n = #KEYS
local counts = {}
local exceeded = 0
for i = 1, n do
  counts[i] = tonumber(redis.call('GET', KEYS[i]) or '0')
  if exceeded == 0 and counts[i] >= tonumber(ARGV[2 * i - 1]) then exceeded = i end
end
if exceeded == 0 then
  for i = 1, n do
    counts[i] = redis.call('INCR', KEYS[i])
    if counts[i] == 1 then redis.call('PEXPIRE', KEYS[i], ARGV[2 * i]) end
  end
end
local out = { exceeded }
for i = 1, n do out[i + 1] = counts[i] end
return out
`;

/**
 * Gives back one hit of HIT: each counter still alive and above zero goes down by one. DECR keeps
 * the TTL; a counter whose window has expired is not recreated (it would live forever).
 */
export const UNHIT = `
for i = 1, #KEYS do
  local v = tonumber(redis.call('GET', KEYS[i]) or '0')
  if v > 0 then redis.call('DECR', KEYS[i]) end
end
return 0
`;

/**
 * Compare-and-set (Store.replace). KEYS[1]: the record. ARGV[1]: '1' when the key must be
 * absent, '0' when it must hold ARGV[2]; ARGV[3]: the new value, written without a TTL (SET
 * drops any). Returns 1 when written, 0 when the key held something else.
 */
export const REPLACE = `
local current = redis.call('GET', KEYS[1])
if ARGV[1] == '1' then
  if current then return 0 end
elseif current ~= ARGV[2] then
  return 0
end
redis.call('SET', KEYS[1], ARGV[3])
return 1
`;

/** GET then DEL, atomically (GETDEL needs Redis 6.2; this runs on older servers too). */
export const TAKE = `
local v = redis.call('GET', KEYS[1])
if v then redis.call('DEL', KEYS[1]) end
return v
`;

/**
 * A batch (Store.batch): reads, rate-limit hits, give-backs and claims, in order, in one atomic
 * step, so that a resource call or a token request costs one command and one round trip.
 * ARGV[1]: the number of operations; then for each:
 * - `get`: its key is the next KEY;
 * - `hit`, the number n of its rules and their n (limit, ms left) pairs: its n counters are the
 *   next KEYS; it behaves exactly as HIT;
 * - `unhit`, the number n of its rules: its n counters are the next KEYS; exactly as UNHIT;
 * - `claim`, the value, its TTL in ms (0: already expired, nothing kept): the next KEY, SET NX;
 *   a claim refused (the key exists) ends the batch, nothing after it runs.
 * Returns, concatenated: each read's value (nil when absent), each hit's HIT reply, 0 for each
 * give-back, 1 or 0 for each claim (the last reply when 0).
 */
export const BATCH = `
local out = {}
local k = 0
local a = 2
for _ = 1, tonumber(ARGV[1]) do
  if ARGV[a] == 'get' then
    k = k + 1
    out[#out + 1] = redis.call('GET', KEYS[k])
    a = a + 1
  elseif ARGV[a] == 'claim' then
    k = k + 1
    local ttl = tonumber(ARGV[a + 2])
    local claimed
    if ttl > 0 then
      claimed = redis.call('SET', KEYS[k], ARGV[a + 1], 'PX', ttl, 'NX') ~= false
    else
      claimed = redis.call('EXISTS', KEYS[k]) == 0
    end
    if not claimed then
      out[#out + 1] = 0
      return out
    end
    out[#out + 1] = 1
    a = a + 3
  elseif ARGV[a] == 'unhit' then
    local n = tonumber(ARGV[a + 1])
    for i = 1, n do
      local v = tonumber(redis.call('GET', KEYS[k + i]) or '0')
      if v > 0 then redis.call('DECR', KEYS[k + i]) end
    end
    out[#out + 1] = 0
    k = k + n
    a = a + 2
  else
    local n = tonumber(ARGV[a + 1])
    local counts = {}
    local exceeded = 0
    for i = 1, n do
      counts[i] = tonumber(redis.call('GET', KEYS[k + i]) or '0')
      if exceeded == 0 and counts[i] >= tonumber(ARGV[a + 2 * i]) then exceeded = i end
    end
    if exceeded == 0 then
      for i = 1, n do
        counts[i] = redis.call('INCR', KEYS[k + i])
        if counts[i] == 1 then redis.call('PEXPIRE', KEYS[k + i], ARGV[a + 2 * i + 1]) end
      end
    end
    out[#out + 1] = exceeded
    for i = 1, n do out[#out + 1] = counts[i] end
    k = k + n
    a = a + 2 + 2 * n
  end
end
return out
`;
