/**
 * A Postgres advisory lock key: a number is used as the bigint key as is, a string is hashed to one by Postgres
 * (`hashtextextended`), so keys can be readable names such as `"contact:migrations"`.
 */
export type AdvisoryLockKey = number | string;

/** The SQL expression of `key` as the first query parameter (`$1`), for `pg_advisory_lock(...)` and friends. */
export function advisoryKeySql(key: AdvisoryLockKey): string {
  return typeof key === 'number' ? '$1::bigint' : 'hashtextextended($1, 0)';
}
