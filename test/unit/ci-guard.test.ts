// CI must never pass with the PostgreSQL-backed tests silently skipped: .ci/run sets
// REQUIRE_POSTGRES_TESTS=1 together with TEST_DATABASE_URL, and this test holds them together.
import { describe, expect, it } from 'vitest';
import { DB_KINDS } from '../helpers/db.js';

describe('test environment', () => {
  it('runs the PostgreSQL suites whenever CI requires them', () => {
    if (process.env.REQUIRE_POSTGRES_TESTS) expect(DB_KINDS).toContain('postgres');
    else expect(DB_KINDS).toContain('pglite');
  });
});
