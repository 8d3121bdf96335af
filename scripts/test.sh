#!/usr/bin/env bash
# Every test: types, the vitest suites on PGlite and on PostgreSQL, then Playwright against the built app.
set -euo pipefail
cd "$(dirname "$0")/.."

# The Playwright apps' data directories and the e2e database go when the run ends, passed, failed or interrupted.
E2E_TEMP_DIR=$(mktemp -d "${TMPDIR:-/tmp}/pairwise-e2e-XXXXXX")
export E2E_TEMP_DIR
cleanup() {
  rm -rf "$E2E_TEMP_DIR"
  node --import tsx scripts/test-database.ts drop-e2e || true
}
trap cleanup EXIT

echo "== typecheck"
npx tsc --noEmit

echo "== lint"
npm run -s lint

echo "== format"
npm run -s format:check

echo "== import boundaries"
npm run -s deps

echo "== PostgreSQL test database (${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test})"
node --import tsx scripts/test-database.ts ensure

echo "== vitest on PGlite"
TEST_DB=pglite npx vitest run

echo "== vitest on PostgreSQL"
TEST_DB=postgres npx vitest run test/db test/app test/datasets test/jobs test/labeling test/bin/seed.test.ts test/reward/tokens/payouts/executor.test.ts test/reward/tokens/redemptions/service.test.ts test/reward/tokens/deposits/service.test.ts test/reward/tokens/payouts/funded-budgets.test.ts test/reward/tokens/payouts/roots.test.ts

echo "== build"
npx remix vite:build >/dev/null

echo "== Playwright (Chromium)"
npx playwright test
