import { MIGRATIONS } from '@moderato/migrations';
import type { DatabaseSchema } from '@moderato/database';
import { ENTITIES } from './entities';

export { ENTITIES, MIGRATIONS };

/** Entities + migrations: what DatabaseModule.forRoot() and the migration CLI need. */
export const SCHEMA: DatabaseSchema = { entities: ENTITIES, migrations: MIGRATIONS };
