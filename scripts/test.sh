#!/usr/bin/env bash
# Every check of the project: typecheck, lint, format, and every test (memory and a real Redis).
# Starts its own redis-server on a free port for the Redis tests, and a three-master Redis Cluster
# for the cluster tests, and stops them afterwards.
# Arguments go to vitest (`npm test -- test/unit` runs the checks and only those test files).
set -euo pipefail
cd "$(dirname "$0")/.."

# redis-server for the Redis tests, openssl for the certificates of the Redis-over-TLS tests,
# Chromium for the consent page in a real browser (test/browser; CHROMIUM_PATH names another).
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=(chromium)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "not found: ${missing[*]}: installing Debian's packages"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "required for the tests: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

mkdir -p .tmp
# Four free ports for the servers below (one server, three cluster nodes), each with its port +
# 10000 free too (a cluster node's bus): all below 32768, where Linux hands out no local ports of
# outgoing connections, so that no client socket takes one between this probe and the server's bind.
read -r port cluster_ports < <(node -e "
const net = require('net');
const free = (p) => new Promise((ok) => { const s = net.createServer().once('error', () => ok(false)).listen(p, '127.0.0.1', () => s.close(() => ok(true))); });
(async () => {
  const found = [];
  while (found.length < 4) {
    const p = 20000 + Math.floor(Math.random() * 2700);
    if (!found.includes(p) && (await free(p)) && (await free(p + 10000))) found.push(p);
  }
  console.log(found.join(' '));
})();
")
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no >.tmp/redis-test.log 2>&1 &
redis_pid=$!
trap 'kill "$redis_pid" 2>/dev/null || true; wait "$redis_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
  redis-cli -p "$port" ping >/dev/null 2>&1 && break
  sleep 0.1
done
export TEST_REDIS_URL="redis://127.0.0.1:$port"

# A Redis Cluster of three masters, no replicas, for the store contract suite and the cluster
# tests, on the three other ports.
cluster_pids=()
for p in $cluster_ports; do
  rm -f ".tmp/nodes-$p.conf"
  redis-server --port "$p" --bind 127.0.0.1 --cluster-enabled yes --cluster-config-file ".tmp/nodes-$p.conf" \
    --save '' --appendonly no --daemonize no >".tmp/redis-cluster-$p.log" 2>&1 &
  cluster_pids+=("$!")
done
stop_redis() {
  kill "$redis_pid" "${cluster_pids[@]}" 2>/dev/null || true
  wait "$redis_pid" "${cluster_pids[@]}" 2>/dev/null || true
  for p in $cluster_ports; do rm -f ".tmp/nodes-$p.conf" ".tmp/redis-cluster-$p.log"; done
}
trap stop_redis EXIT
seeds=()
for p in $cluster_ports; do
  for _ in $(seq 1 50); do
    redis-cli -p "$p" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  seeds+=("127.0.0.1:$p")
done
redis-cli --cluster create "${seeds[@]}" --cluster-replicas 0 --cluster-yes >.tmp/redis-cluster-create.log 2>&1
for p in $cluster_ports; do
  for _ in $(seq 1 100); do
    redis-cli -p "$p" cluster info 2>/dev/null | grep -q '^cluster_state:ok' && break
    sleep 0.1
  done
  redis-cli -p "$p" cluster info | grep -q '^cluster_state:ok' || {
    echo "Redis Cluster did not reach cluster_state:ok (.tmp/redis-cluster-*.log)" >&2
    exit 1
  }
done
export TEST_REDIS_CLUSTER_NODES=$(IFS=,; echo "${seeds[*]}")

echo "== typecheck"; npx tsc -p tsconfig.json
echo "== lint"; npx eslint .
echo "== format"; npx prettier --check . >/dev/null; echo "formatted"
echo "== tests"
status=0
npx vitest run --reporter=default --reporter=json --outputFile=.tmp/vitest.json "$@" || status=$?
# A test file that fails to load (an import that throws) has no tests in the report's counts: it
# counts as one failure of its own, so the summary never reads "0 failed" over a broken file.
node -e "
const r = require('./.tmp/vitest.json');
const unloaded = r.testResults.filter((f) => f.status === 'failed' && !f.assertionResults.some((t) => t.status === 'failed'));
for (const f of unloaded) console.log('failed to run: ' + require('path').relative(process.cwd(), f.name) + (f.message ? ': ' + f.message.split('\\n')[0] : ''));
const failed = r.numFailedTests + unloaded.length;
console.log(r.numPassedTests + ' passed, ' + failed + ' failed' + (r.numPendingTests ? ', ' + r.numPendingTests + ' skipped' : ''));
if (r.numTotalTests === 0 || failed > 0) process.exit(1);
" || status=1
exit "$status"
