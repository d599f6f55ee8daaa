#!/usr/bin/env bash
# The package as a user gets it: builds dist/, packs the tarball, checks what
# it holds, installs it into a throwaway project (its dependencies from the
# registry, better-sqlite3 built there), then copies each example project of
# test/examples/<name>/ into that project and runs it with its own test
# runner (vitest and jest from the registry, as that example's dev
# dependencies). Ends with one line "N passed, N failed".
#
# The example projects sit inside the throwaway project, so they all use its
# one installed meibel-mock (Node and the runners resolve packages up the
# folder tree, as in a monorepo): better-sqlite3 is compiled once, not once
# per example. Nothing is written outside a temp folder except dist/.
#
#   bash test/examples/run.sh            # every example
#   bash test/examples/run.sh vitest     # only the ones named
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
examples=$root/test/examples
work=$(mktemp -d "${TMPDIR:-/tmp}/meibel-mock-examples.XXXXXX")
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

check() {
  local name=$1; shift
  local started=$SECONDS
  echo "examples: ==> $name"
  if "$@" > "$work/step.log" 2>&1; then
    passed=$((passed + 1))
    echo "examples: ok   $name ($((SECONDS - started)) s)"
    # What the runners said, so the log shows the tests that ran.
    [[ $name != example* ]] || sed 's/^/  | /' "$work/step.log"
  else
    failed=$((failed + 1))
    echo "examples: FAIL $name ($((SECONDS - started)) s); its output:"
    sed 's/^/  | /' "$work/step.log"
    return 1
  fi
}

summary() {
  echo "$passed passed, $failed failed"
  [[ $failed -eq 0 ]]
  exit
}

# Only the files the package needs: dist/ (JavaScript and declarations, and
# for the bundled CLI its bundle, V8's code cache of it and the default data
# prepared), openapi/, fixtures/, README.md, package.json; no sources or tests.
check_contents() {
  local listing missing=0
  listing=$(tar tzf "$tarball" | sed 's#^package/##' | sort)
  for required in package.json README.md dist/index.js dist/index.d.ts dist/admin-client.js dist/admin-client.d.ts \
    dist/cli.js dist/cli.cjs dist/cli.cjs.cache dist/default-data.json dist/start.d.ts fixtures/agents.json fixtures/sessions.json openapi/meibel-api-v2.list-sessions.yaml; do
    grep -qx "$required" <<<"$listing" || { echo "missing: $required"; missing=1; }
  done
  local unexpected
  unexpected=$(grep -vE '^(package\.json|README\.md|LICENSE|dist/.+\.(js|d\.ts)|dist/cli\.cjs(\.cache)?|dist/default-data\.json|fixtures/[^/]+\.json|openapi/[^/]+)$' <<<"$listing")
  [[ -z $unexpected ]] || { echo "unexpected files:"; echo "$unexpected"; missing=1; }
  echo "$listing"
  return $missing
}

# `npx meibel-mock --version` in the project prints the packed version and
# the vendored contract's (info.version of its OpenAPI document).
check_bin() {
  local got want contract
  contract=$(sed -nE 's/^  version: ([^ ]+)$/\1/p' "$root/openapi/meibel-api-v2.list-sessions.yaml" | head -n 1)
  want="meibel-mock $(node -p "require('$root/package.json').version") (Meibel AI API contract $contract)"
  got=$(cd "$project" && npx --no-install meibel-mock --version) || return 1
  echo "meibel-mock --version: $got (want $want)"
  [[ $got == "$want" ]]
}

run_example() {
  local name=$1
  cp -R "$examples/$name" "$project/$name"
  cd "$project/$name" || return 1
  if node -e "process.exit(Object.keys(require('./package.json').devDependencies ?? {}).length ? 0 : 1)"; then
    npm install --no-package-lock || return 1
  fi
  npm test 2>&1 | tee "$work/runner.log"
  [[ ${PIPESTATUS[0]} -eq 0 ]] || return 1
  # A runner that found no test file may still exit 0 (node --test does).
  if grep -qE '^# tests 0$' "$work/runner.log"; then echo "no test ran"; return 1; fi
}

cd "$root" || exit 1
build() { rm -rf dist && npm run --silent build; }
check build build || summary
pack() { npm pack --silent --pack-destination "$work"; }
check pack pack || summary
tarball=$(ls "$work"/meibel-mock-*.tgz)
check "tarball contents" check_contents

project=$work/project
mkdir "$project"
# allowScripts: npm 11 asks for approval of install scripts; better-sqlite3's
# builds (or downloads) its native module.
cat > "$project/package.json" <<'EOF'
{ "name": "meibel-mock-consumer", "private": true, "type": "module", "allowScripts": { "better-sqlite3": true } }
EOF
install_tarball() { cd "$project" && npm install "$tarball"; }
check "npm install <tarball>" install_tarball || summary
check "npx meibel-mock --version" check_bin

names=("$@")
if [[ ${#names[@]} -eq 0 ]]; then
  names=()
  for dir in "$examples"/*/; do names+=("$(basename "$dir")"); done
fi
for name in "${names[@]}"; do
  check "example $name" run_example "$name"
done
summary
