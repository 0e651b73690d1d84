#!/usr/bin/env bash
# A page of 300 ES modules from a real Vite dev server, loaded in headless Chromium through loopgate over http/1.1
# (http://) and over h2 (https://), cache disabled, each load in a fresh browser context (new connections). Prints
# the median time from navigation start to the last module having run. Run by hand, never in CI:
#   bench/vite-modules.sh [runs]
# Needs: node 20+ with npm (the registry), chromium, java 17+, gateway/target/loopgate.jar.
set -euo pipefail

RUNS="${1:-7}"
MODULES=300
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$repo/gateway/target/loopgate.jar"
work="$(mktemp -d /tmp/loopgate-vitebench.XXXXXX)"
VITE_PORT=18101 LOOPGATE_PORT=18102 LOOPGATE_TLS=18103 CDP_PORT=18104
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

(cd "$work" && npm install --no-audit --no-fund vite@8.4.0 >/dev/null 2>&1)
for i in $(seq 1 $((MODULES - 1))); do echo "export const v$i = $i;" > "$work/m$i.js"; done
{
  for i in $(seq 1 $((MODULES - 1))); do echo "import { v$i } from './m$i.js';"; done
  echo "window.done = performance.now();"
} > "$work/m0.js"
echo '<!doctype html><title>300 modules</title><script type="module" src="/m0.js"></script>' > "$work/index.html"
(cd "$work" && node node_modules/vite/bin/vite.js --port $VITE_PORT --strictPort > "$work/vite.log" 2>&1) & pids+=($!)

printf 'services:\n  web: http://localhost:%s\n' $VITE_PORT > "$work/loopgate.yaml"
java -jar "$jar" serve --config "$work/loopgate.yaml" --port $LOOPGATE_PORT --https-port $LOOPGATE_TLS \
  --state-dir "$work/state" > "$work/loopgate.log" 2>&1 & pids+=($!)
chromium --headless --no-sandbox --disable-gpu --ignore-certificate-errors --disable-quic --no-first-run \
  --remote-debugging-port=$CDP_PORT --user-data-dir="$work/chrome" about:blank > "$work/chrome.log" 2>&1 & pids+=($!)
for port in $VITE_PORT $LOOPGATE_TLS $CDP_PORT; do
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do sleep 0.1; done
done

cat > "$work/measure.mjs" <<'JS'
// Drives Chromium over the DevTools protocol: each load in a new browser context, so no connection is reused.
const [cdpPort, runs, ...urls] = process.argv.slice(2);
const version = await (await fetch(`http://127.0.0.1:${cdpPort}/json/version`)).json();
const ws = new WebSocket(version.webSocketDebuggerUrl);
await new Promise((ok) => ws.addEventListener('open', ok));
let id = 0;
const waiting = new Map();
ws.addEventListener('message', (m) => {
  const msg = JSON.parse(m.data);
  if (msg.id && waiting.has(msg.id)) { waiting.get(msg.id)(msg); waiting.delete(msg.id); }
});
const call = (method, params = {}, sessionId) => new Promise((ok, fail) => {
  const n = ++id;
  waiting.set(n, (msg) => (msg.error ? fail(new Error(method + ': ' + msg.error.message)) : ok(msg.result)));
  ws.send(JSON.stringify({ id: n, method, params, sessionId }));
});
async function load(url) {
  const { browserContextId } = await call('Target.createBrowserContext');
  const { targetId } = await call('Target.createTarget', { url: 'about:blank', browserContextId });
  const { sessionId } = await call('Target.attachToTarget', { targetId, flatten: true });
  await call('Network.enable', {}, sessionId);
  await call('Network.setCacheDisabled', { cacheDisabled: true }, sessionId);
  await call('Page.navigate', { url }, sessionId);
  let done;
  for (let i = 0; i < 600 && done === undefined; i++) {
    await new Promise((ok) => setTimeout(ok, 25));
    const r = await call('Runtime.evaluate', { expression: 'window.done', returnByValue: true }, sessionId);
    done = r.result.value;
  }
  const proto = (await call('Runtime.evaluate', {
    expression: "performance.getEntriesByType('resource').map(e => e.nextHopProtocol).filter(Boolean)[0]",
    returnByValue: true }, sessionId)).result.value;
  await call('Target.disposeBrowserContext', { browserContextId });
  return { ms: done, proto };
}
for (const url of urls) await load(url); // warm Vite's transform cache and loopgate's JIT
for (const url of urls) {
  const times = [];
  let proto;
  for (let i = 0; i < Number(runs); i++) { const r = await load(url); times.push(r.ms); proto = r.proto; }
  times.sort((a, b) => a - b);
  console.log(`${url}\t${proto}\tmedian ${times[Math.floor(times.length / 2)].toFixed(0)} ms\t` +
    `min ${times[0].toFixed(0)} ms\tmax ${times[times.length - 1].toFixed(0)} ms`);
}
ws.close();
JS
node --experimental-websocket "$work/measure.mjs" $CDP_PORT "$RUNS" \
  "http://web.localhost:$LOOPGATE_PORT/" "https://web.localhost:$LOOPGATE_TLS/" 2>&1 | grep -v ExperimentalWarning
