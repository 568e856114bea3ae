#!/usr/bin/env bash
# The project's test command (README): installs the pinned solc, recompiles
# the Solidity sources and regenerates the abigen v2 bindings and fails if
# the committed artifacts or bindings differ, checks
# formatting and vet, then runs every Go test, and the core packages and
# the key cache again under the race detector.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== solidity: npm ci, recompile, regenerate bindings, compare with committed files"
npm ci --no-audit --no-fund --loglevel=error
npm run --silent compile
go run ./solidity/internal/bindgen
if [ -n "$(git status --porcelain -- solidity/artifacts solidity/bindings)" ]; then
  echo "solidity/artifacts or solidity/bindings differ from a fresh compile and abigen run:" >&2
  git status --porcelain -- solidity/artifacts solidity/bindings >&2
  git diff --stat -- solidity/artifacts solidity/bindings >&2
  exit 1
fi

echo "== go: gofmt, vet"
unformatted=$(gofmt -l $(git ls-files '*.go'))
if [ -n "$unformatted" ]; then
  echo "not gofmt-formatted:" >&2
  echo "$unformatted" >&2
  exit 1
fi
go vet ./...

echo "== go: tests"
go test -count=1 -timeout 60m ./...

echo "== go: race detector over the shared state (booster, L2 EVM, L1 view, precompiles, write list, node, key cache)"
go test -count=1 -short -race ./booster ./evm/... ./precompiles ./statechanges ./node ./cmd/...
go test -count=1 -race -run 'TestKeyCacheConcurrentSetup' ./verifier
