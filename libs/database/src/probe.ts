import { DataSource } from 'typeorm';
import { MIGRATIONS_TABLE, buildDataSourceOptions, type DatabaseSchema } from './data-source-options';
import { pendingSchemaChanges, type SchemaChanges } from './migrations';

/**
 * A look at a database from outside the application (`moderato doctor`): the PostgreSQL version,
 * which migrations are applied, whether the schema is what the entities expect. On one connection
 * of its own, that gives up after `connectTimeoutMs`.
 */
export class DatabaseProbe {
  private constructor(private readonly dataSource: DataSource) {}

  /** Connects; rejects when PostgreSQL cannot be reached (or refuses the login). */
  static async connect(url: string, schema: DatabaseSchema, options: { connectTimeoutMs: number; applicationName: string }): Promise<DatabaseProbe> {
    const base = buildDataSourceOptions(url, schema, { poolSize: 1 });
    const dataSource = new DataSource({
      ...base,
      extra: { connectionTimeoutMillis: options.connectTimeoutMs, application_name: options.applicationName },
    } as typeof base);
    await dataSource.initialize();
    return new DatabaseProbe(dataSource);
  }

  /** `SHOW server_version`, e.g. "16.4 (Debian 16.4-1)". */
  async serverVersion(): Promise<string> {
    const [{ server_version: version }] = (await this.dataSource.query('SHOW server_version')) as { server_version: string }[];
    return version;
  }

  /** The migrations this code has, in order, and those the database has applied (none before the first). */
  async migrations(): Promise<{ known: string[]; applied: string[] }> {
    const rows = (await this.dataSource.query(`SELECT name FROM ${MIGRATIONS_TABLE}`).catch(() => [])) as { name: string }[];
    return {
      known: this.dataSource.migrations.map((migration) => migration.name ?? migration.constructor.name),
      applied: rows.map((row) => row.name),
    };
  }

  /** What the entities would change (see pendingSchemaChanges). */
  schemaChanges(): Promise<SchemaChanges> {
    return pendingSchemaChanges(this.dataSource);
  }

  async close(): Promise<void> {
    await this.dataSource.destroy();
  }
}
