import { QueryFailedError } from 'typeorm';

/** Whether `error` is PostgreSQL's unique violation (23505): a concurrent twin committed the same key first. */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505';
}
