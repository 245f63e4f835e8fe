export { buildDataSourceOptions, MIGRATIONS_TABLE, type DatabaseSchema } from './data-source-options';
export { runMigrationsWithLock, pendingSchemaChanges, MIGRATION_LOCK_KEY, type SchemaChanges } from './migrations';
export { DatabaseProbe } from './probe';
export { DatabaseModule } from './database.module';
export { pgPool, preparedQuery, preparedTransaction, rowReader, EntityColumns, type PreparedRunner } from './hot-path';
export { Transactions, managerOf, wrapManager, type Tx } from './transactions';
export { namedStatement, registeredStatements, type NamedStatement } from './statements';
export { isUniqueViolation } from './errors';
