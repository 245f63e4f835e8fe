import type { Pool } from 'pg';
import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/** TypeORM's own pg pool (PostgreSQL driver) under `dataSource`. */
export function pgPool(dataSource: DataSource): Pool {
  return (dataSource.driver as PostgresDriver).master as Pool;
}

/**
 * Hot paths (every request's session check, the join storm) skip TypeORM's query builder: it
 * spends more CPU building the SQL and mapping aliases than the database spends answering
 * (BENCHMARKS.md, join storm). These run plain `pg` on TypeORM's own pool as *named* prepared
 * statements — parsed and planned once per connection — and turn rows into entities with
 * TypeORM's own column metadata and value conversion, so an entity read here is the same as one
 * read through a repository.
 *
 * Statements name their columns (never `*`): a column added by a later migration does not change
 * a prepared statement's result, so replicas keep working while another one migrates.
 */
export async function preparedQuery(dataSource: DataSource, statement: { name: string; text: string }, values: unknown[]): Promise<unknown[][]> {
  const pool = pgPool(dataSource);
  // Rows as arrays: a row of 50 columns as an object with 50 generated keys is slow to build and read.
  const result = await pool.query<unknown[]>({ name: statement.name, text: statement.text, values, rowMode: 'array' });
  return result.rows;
}

/** An entity's columns for a hand-written SELECT, and the rows back into entities. */
export class EntityColumns<T extends ObjectLiteral> {
  private readonly columns: ColumnMetadata[];
  private readonly allColumns: ColumnMetadata[];
  private readonly tableName: string;
  private readonly target: new () => T;

  /** `except`: properties a hot path does not need (left undefined on the entities it reads). */
  constructor(
    private readonly dataSource: DataSource,
    entity: EntityTarget<T>,
    options: { except?: (keyof T & string)[] } = {},
  ) {
    const metadata = dataSource.getMetadata(entity);
    const except = new Set<string>(options.except ?? []);
    this.allColumns = metadata.columns;
    this.tableName = metadata.tableName;
    this.columns = metadata.columns.filter((column) => !column.isVirtual && !column.embeddedMetadata && !except.has(column.propertyName));
    this.target = metadata.target as new () => T;
  }

  /** How many values `select()` adds to a row. */
  get width(): number {
    return this.columns.length;
  }

  /** The quoted table name, for hand-written statements: `"invitations"`. */
  get table(): string {
    return `"${this.tableName}"`;
  }

  /** The quoted database name of one of the entity's columns, for hand-written statements: `"sent_at"`. */
  column(property: keyof T & string): string {
    const column = this.allColumns.find((candidate) => candidate.propertyName === property);
    if (!column) throw new Error(`${this.tableName} has no column for ${property}`);
    return `"${column.databaseName}"`;
  }

  /** `"a"."id", "a"."email", …`: the entity's columns, in the order `hydrate()` reads them. */
  select(alias: string): string {
    return this.columns.map((column) => `"${alias}"."${column.databaseName}"`).join(', ');
  }

  /**
   * The entity in `row` (an array row) from position `offset` on, where `select()` put it;
   * undefined when all its columns are null (nothing found by an outer join).
   */
  hydrate(row: unknown[], offset: number): T | undefined {
    const driver = this.dataSource.driver;
    const entity = new this.target();
    let present = false;
    for (let i = 0; i < this.columns.length; i++) {
      const value = row[offset + i];
      if (value !== null && value !== undefined) present = true;
      (entity as Record<string, unknown>)[this.columns[i].propertyName] = driver.prepareHydratedValue(value, this.columns[i]);
    }
    return present ? entity : undefined;
  }
}

/**
 * Reads the entities of an array row in the order their columns were selected:
 * `const next = rowReader(row); const session = next(sessions); const user = next(users);`
 */
export function rowReader(row: unknown[]): <T extends ObjectLiteral>(columns: EntityColumns<T>) => T | undefined {
  let offset = 0;
  return (columns) => {
    const entity = columns.hydrate(row, offset);
    offset += columns.width;
    return entity;
  };
}

/** Runs a prepared statement (see preparedQuery) on the connection of a preparedTransaction. */
export type PreparedRunner = (statement: { name: string; text: string }, values: unknown[]) => Promise<unknown[][]>;

/**
 * A transaction on one pooled connection, for hot paths (the mail worker's per-message work):
 * BEGIN, the statements `work` runs, COMMIT — or ROLLBACK when it throws.
 */
export async function preparedTransaction<T>(dataSource: DataSource, work: (run: PreparedRunner) => Promise<T>): Promise<T> {
  const client = await pgPool(dataSource).connect();
  let broken: Error | undefined;
  // A checked-out client has no listener of the pool's: when PostgreSQL ends the connection while
  // `work` waits on something else (the SMTP server), the 'error' event would be unhandled and end
  // the process. Remember it instead; the next statement fails and the client is not given back.
  const onError = (error: Error) => (broken ??= error);
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const result = await work(
      async (statement, values) => (await client.query<unknown[]>({ name: statement.name, text: statement.text, values, rowMode: 'array' })).rows,
    );
    await client.query('COMMIT');
    return result;
  } catch (error) {
    // A connection that cannot even roll back is not given back to the pool.
    await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
    throw error;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}
