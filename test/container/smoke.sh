#!/usr/bin/env bash
# Container smoke test: builds the image, runs it (docker run, then
# docker-compose) on this machine's loopback, and checks readiness, the health
# check, byte-identical List Sessions answers against `node dist/cli.js`, and a
# clean, fast stop. One line per check (`ok - ...` / `not ok - ...`), then
# `N passed, N failed`; exits non-zero when anything failed.
#
# Run from anywhere (usually the project root): test/container/smoke.sh
# Needs Node and the project's node_modules (npm ci), and ../shared/docker
# beside the project (engine-up.sh, node-base-image.sh, hostnet-compose.py).
# The first build takes a few minutes; later ones use the engine's build cache.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
shared=$(cd "$root/.." && pwd)/shared
cd "$root"

# The legacy builder, also for docker-compose (no BuildKit: no RUN --mount).
export DOCKER_BUILDKIT=0 COMPOSE_DOCKER_CLI_BUILD=0

run_id="$$-$(date +%s)"
tag="meibel-mock:smoke-$run_id"
container="meibel-mock-smoke-$run_id"
project="meibelmocksmoke${run_id//-/}"
seed=424242
key=smoke-key
list_path='/v2/agents/demo-agent/sessions?limit=5&sort_by=status'
tmp=$(mktemp -d "${TMPDIR:-/tmp}/meibel-mock-smoke.XXXXXX")
compose_file="$tmp/compose.yml"
local_pid=""
idle_pid=""
image_built=0
compose_up=0
passed=0
failed=0
summarised=0

ok() { passed=$((passed + 1)); echo "ok - $1"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $1"; }
note() { echo "# $1"; }
# The last lines of a log file, indented, on stderr (for a failed check).
show() { [[ -s $1 ]] && sed -e 's/^/#   /' "$1" | tail -n "${2:-25}" >&2 || true; }

cleanup() {
  local status=$?
  set +e
  if ((!summarised)); then
    echo "not ok - the smoke test ran to its end (stopped early, exit status $status)"
    failed=$((failed + 1))
    summary
    ((status == 0)) && status=1
  fi
  [[ -n $local_pid ]] && kill "$local_pid" 2>/dev/null && wait "$local_pid" 2>/dev/null
  [[ -n $idle_pid ]] && kill "$idle_pid" 2>/dev/null && wait "$idle_pid" 2>/dev/null
  docker rm -f "$container" >/dev/null 2>&1
  if ((compose_up)); then
    docker-compose -p "$project" -f "$compose_file" down --rmi local --volumes --remove-orphans >/dev/null 2>&1
  fi
  # Compose names its image <project>_meibel-mock; the smoke tag goes last.
  docker image rm "${project}_meibel-mock" >/dev/null 2>&1
  ((image_built)) && docker image rm "$tag" >/dev/null 2>&1
  rm -rf "$tmp"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

now_ms() { date +%s%3N; }

# A TCP port nothing listens on (on 127.0.0.1).
free_port() {
  node -e "const s = require('net').createServer(); s.listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close() })"
}

# GET http://127.0.0.1:$1$2 with the API key; the body's bytes on stdout.
# Fails unless the answer is a 200.
http_get() {
  node -e "
    const [port, path, key] = process.argv.slice(1)
    require('http').get({ host: '127.0.0.1', port, path, headers: { 'Meibel-API-Key': key }, timeout: 3000 }, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => {
        process.stdout.write(Buffer.concat(chunks))
        process.exit(res.statusCode === 200 ? 0 : 1)
      })
    }).on('error', () => process.exit(2)).on('timeout', function () { this.destroy() })
  " "$1" "$2" "$key"
}

# Polls GET /ready on port $1 until it answers 200; fails after $2 seconds.
wait_ready() {
  local deadline=$(($(now_ms) + $2 * 1000))
  until http_get "$1" /ready >/dev/null 2>&1; do
    (($(now_ms) < deadline)) || return 1
    sleep 0.2
  done
}

# Polls the health status of container $1 until it is healthy; fails after $2 s.
wait_healthy() {
  local deadline=$(($(now_ms) + $2 * 1000)) status
  while :; do
    status=$(docker inspect --format '{{.State.Health.Status}}' "$1" 2>/dev/null || true)
    [[ $status == healthy ]] && return 0
    (($(now_ms) < deadline)) || { note "health status of $1: ${status:-none}"; return 1; }
    sleep 0.5
  done
}

# Stops container $1 (docker stop, or the command in $2..); checks it took
# under 2 s and that the container exited with code 0.
check_stop() {
  local what=$1 id=$2 started elapsed code
  shift 2
  started=$(now_ms)
  if "$@" >"$tmp/stop.log" 2>&1; then
    elapsed=$(($(now_ms) - started))
    if ((elapsed < 2000)); then ok "$what returns within 2 s (${elapsed} ms)"; else not_ok "$what returns within 2 s (${elapsed} ms)"; fi
    code=$(docker inspect --format '{{.State.ExitCode}}' "$id" 2>/dev/null || echo none)
    if [[ $code == 0 ]]; then ok "$what: the container exited with code 0"; else not_ok "$what: the container exited with code 0 (got $code)"; show "$tmp/stop.log"; fi
  else
    not_ok "$what"
    show "$tmp/stop.log"
  fi
}

# Connects to port $1 and sends nothing; its PID is idle_pid, its output
# $tmp/idle.log ("connected", then "closed" when the server closes it).
idle_client() {
  node -e "
    const s = require('net').connect(Number(process.argv[1]), '127.0.0.1', () => console.log('connected'))
    s.on('close', () => { console.log('closed'); process.exit(0) })
    s.on('error', (e) => console.log('error ' + e.code))
    setTimeout(() => process.exit(3), 60000)
  " "$1" >"$tmp/idle.log" 2>&1 &
  idle_pid=$!
  local deadline=$(($(now_ms) + 5000))
  until grep -q connected "$tmp/idle.log"; do
    (($(now_ms) < deadline)) || return 1
    sleep 0.1
  done
}

# Waits up to $1 s for the idle client to see its connection closed.
wait_idle_closed() {
  local deadline=$(($(now_ms) + $1 * 1000))
  until grep -q closed "$tmp/idle.log"; do
    (($(now_ms) < deadline)) || { kill "$idle_pid" 2>/dev/null; idle_pid=""; return 1; }
    sleep 0.1
  done
  wait "$idle_pid" 2>/dev/null
  idle_pid=""
}

summary() {
  summarised=1
  echo "$passed passed, $failed failed"
  ((failed == 0))
}

started_at=$(now_ms)

# --- engine and base image -------------------------------------------------
if "$shared/docker/engine-up.sh" >"$tmp/engine.log" 2>&1; then
  ok "docker engine is up"
else
  not_ok "docker engine is up"; show "$tmp/engine.log"; summary; exit 1
fi
if v=$("$shared/docker/node-base-image.sh" 2>"$tmp/base.log") && [[ $v =~ ^[0-9]+$ ]]; then
  ok "base image node:$v-bookworm-slim"
else
  not_ok "base image node:<major>-bookworm-slim"; show "$tmp/base.log"; summary; exit 1
fi

# --- local reference: node dist/cli.js ---------------------------------------
if [[ ! -f dist/cli.js ]] || [[ -n $(find src -newer dist/cli.js -name '*.ts' -print -quit) ]]; then
  if node node_modules/typescript/bin/tsc -p tsconfig.build.json >"$tmp/tsc.log" 2>&1 && node scripts/bundle.mjs >>"$tmp/tsc.log" 2>&1; then
    ok "dist/ built (tsc -p tsconfig.build.json, then scripts/bundle.mjs)"
  else
    not_ok "dist/ built (tsc -p tsconfig.build.json, then scripts/bundle.mjs)"; show "$tmp/tsc.log"
  fi
fi
local_port=$(free_port)
node dist/cli.js --host 127.0.0.1 --port "$local_port" --seed "$seed" --log-level warn >"$tmp/local.log" 2>&1 &
local_pid=$!
if wait_ready "$local_port" 10 && http_get "$local_port" "$list_path" >"$tmp/local.json"; then
  ok "local node dist/cli.js answers List Sessions ($(wc -c <"$tmp/local.json") bytes)"
else
  not_ok "local node dist/cli.js answers List Sessions"; show "$tmp/local.log"
fi
kill "$local_pid" 2>/dev/null && wait "$local_pid" 2>/dev/null || true
local_pid=""

# --- image -----------------------------------------------------------------
build_started=$(now_ms)
if docker build --network host --build-arg NODE_VERSION="$v" -t "$tag" . >"$tmp/build.log" 2>&1; then
  image_built=1
  ok "docker build ($(( ($(now_ms) - build_started) / 1000 )) s)"
  note "image size: $(docker image ls --format '{{.Size}}' "$tag")"
else
  not_ok "docker build"; show "$tmp/build.log" 40; summary; exit 1
fi

user=$(docker image inspect --format '{{.Config.User}}' "$tag")
if [[ $user == node ]]; then ok "image runs as the node user"; else not_ok "image runs as the node user (got '$user')"; fi
if docker run --rm --network host --entrypoint node "$tag" -e "new (require('better-sqlite3'))(':memory:').prepare('select 1').get()" >"$tmp/sqlite.log" 2>&1; then
  ok "better-sqlite3 loads in the runtime image"
else
  not_ok "better-sqlite3 loads in the runtime image"; show "$tmp/sqlite.log"
fi
if docker run --rm --network host --entrypoint sh "$tag" -c '! command -v g++ && ! command -v make && ! command -v python3' >/dev/null 2>&1; then
  ok "no compiler toolchain in the runtime image"
else
  not_ok "no compiler toolchain in the runtime image"
fi

# --- docker run --------------------------------------------------------------
port=$(free_port)
run_started=$(now_ms)
# --health-interval: the image's own HEALTHCHECK command, checked every second.
if docker run -d --network host --name "$container" --health-interval 1s \
    -e PORT="$port" -e MEIBEL_MOCK_SEED="$seed" -e MEIBEL_MOCK_LOG_LEVEL=warn "$tag" >"$tmp/run.log" 2>&1; then
  if wait_ready "$port" 10; then
    ok "docker run: /ready answers 200 within 10 s ($(($(now_ms) - run_started)) ms)"
  else
    not_ok "docker run: /ready answers 200 within 10 s"; docker logs "$container" >"$tmp/run.log" 2>&1; show "$tmp/run.log"
  fi
  if http_get "$port" "$list_path" >"$tmp/container.json" && cmp -s "$tmp/local.json" "$tmp/container.json"; then
    ok "docker run: List Sessions bytes equal node dist/cli.js's"
  else
    not_ok "docker run: List Sessions bytes equal node dist/cli.js's"; cmp "$tmp/local.json" "$tmp/container.json" >&2 || true
  fi
  if wait_healthy "$container" 10; then ok "docker run: the image's HEALTHCHECK reports healthy"; else not_ok "docker run: the image's HEALTHCHECK reports healthy"; fi
  # A client holding an idle connection (it never sends a request) must not
  # hold up the stop: the container exits 0 well within its 5 s drain deadline.
  if idle_client "$port"; then ok "docker run: an idle client is connected"; else not_ok "docker run: an idle client is connected"; show "$tmp/idle.log"; fi
  check_stop "docker stop (an idle client connected)" "$container" docker stop --time 10 "$container"
  if wait_idle_closed 5; then ok "docker stop: the idle client's connection was closed"; else not_ok "docker stop: the idle client's connection was closed"; show "$tmp/idle.log"; fi
  if [[ -z $(docker logs "$container" 2>&1 | grep -v '"level":[34]0' || true) ]]; then
    ok "docker run: no errors in the container's log"
  else
    not_ok "docker run: no errors in the container's log"; docker logs "$container" 2>&1 | tail -n 10 >&2
  fi
  docker rm "$container" >/dev/null 2>&1 || true
else
  not_ok "docker run"; show "$tmp/run.log"
fi

# --- docker-compose ------------------------------------------------------------
compose_port=$(free_port)
export NODE_VERSION="$v" PORT="$compose_port" MEIBEL_MOCK_SEED="$seed" MEIBEL_MOCK_LOG_LEVEL=warn MEIBEL_MOCK_API_KEYS="$key"
if docker-compose -f docker-compose.yml config 2>"$tmp/config.log" | "$shared/docker/hostnet-compose.py" >"$compose_file" \
    && grep -q 'network_mode: host' "$compose_file"; then
  ok "docker-compose config, rewritten for host networking"
else
  not_ok "docker-compose config, rewritten for host networking"; show "$tmp/config.log"
fi
compose() { docker-compose -p "$project" -f "$compose_file" "$@"; }
compose_up=1
compose_started=$(now_ms)
if compose up -d --build >"$tmp/compose-up.log" 2>&1; then
  ok "docker-compose up -d --build ($(( ($(now_ms) - compose_started) / 1000 )) s)"
  cid=$(compose ps -q meibel-mock)
  if wait_healthy "$cid" 30; then
    ok "docker-compose: the service is healthy ($(($(now_ms) - compose_started)) ms after up)"
  else
    not_ok "docker-compose: the service is healthy"; compose logs >"$tmp/compose.log" 2>&1; show "$tmp/compose.log"
  fi
  if http_get "$compose_port" "$list_path" >"$tmp/compose.json" && cmp -s "$tmp/local.json" "$tmp/compose.json"; then
    ok "docker-compose: List Sessions bytes equal node dist/cli.js's"
  else
    not_ok "docker-compose: List Sessions bytes equal node dist/cli.js's"; cmp "$tmp/local.json" "$tmp/compose.json" >&2 || true
  fi
  saved_key=$key; key=not-a-listed-key
  if ! http_get "$compose_port" "$list_path" >/dev/null 2>&1; then
    ok "docker-compose: MEIBEL_MOCK_API_KEYS is applied (an unlisted key is refused)"
  else
    not_ok "docker-compose: MEIBEL_MOCK_API_KEYS is applied (an unlisted key is refused)"
  fi
  key=$saved_key
  check_stop "docker-compose stop" "$cid" compose stop
else
  not_ok "docker-compose up -d --build"; show "$tmp/compose-up.log" 40
fi
if compose down --rmi local --volumes --remove-orphans >"$tmp/compose-down.log" 2>&1; then
  compose_up=0
  ok "docker-compose down"
else
  not_ok "docker-compose down"; show "$tmp/compose-down.log"
fi

note "smoke test took $(( ($(now_ms) - started_at) / 1000 )) s"
summary
