#!/usr/bin/env bash
# The project's test command (README): installs the pinned solc, recompiles
# the Solidity sources and fails if the committed artifacts differ, checks
# formatting and vet, then runs every Go test.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== solidity: npm ci, recompile, compare with committed artifacts"
npm ci --no-audit --no-fund --loglevel=error
npm run --silent compile
if [ -n "$(git status --porcelain -- solidity/artifacts)" ]; then
  echo "solidity/artifacts differ from a fresh compile:" >&2
  git status --porcelain -- solidity/artifacts >&2
  git diff --stat -- solidity/artifacts >&2
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
go test -count=1 ./...
