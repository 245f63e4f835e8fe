import type { Pool, QueryResultRow } from 'pg';
import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

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
export async function preparedQuery<Row extends QueryResultRow = Record<string, unknown>>(
  dataSource: DataSource,
  statement: { name: string; text: string },
  values: unknown[],
): Promise<Row[]> {
  const pool = (dataSource.driver as PostgresDriver).master as Pool;
  const result = await pool.query<Row>({ name: statement.name, text: statement.text, values });
  return result.rows;
}

/** An entity's columns for a hand-written SELECT, and the rows back into entities. */
export class EntityColumns<T extends ObjectLiteral> {
  private readonly columns: ColumnMetadata[];
  private readonly target: new () => T;

  constructor(
    private readonly dataSource: DataSource,
    entity: EntityTarget<T>,
  ) {
    const metadata = dataSource.getMetadata(entity);
    this.columns = metadata.columns.filter((column) => !column.isVirtual && !column.embeddedMetadata);
    this.target = metadata.target as new () => T;
  }

  /** `"a"."id" AS "a_id", "a"."email" AS "a_email", …` */
  select(alias: string): string {
    return this.columns.map((column) => `"${alias}"."${column.databaseName}" AS "${alias}_${column.databaseName}"`).join(', ');
  }

  /** The entity behind `alias` in a row selected with `select(alias)`; undefined when the row has none (outer join). */
  hydrate(row: Record<string, unknown>, alias: string): T | undefined {
    const driver = this.dataSource.driver;
    const entity = new this.target();
    let present = false;
    for (const column of this.columns) {
      const value = row[`${alias}_${column.databaseName}`];
      if (value !== null && value !== undefined) present = true;
      (entity as Record<string, unknown>)[column.propertyName] = driver.prepareHydratedValue(value, column);
    }
    return present ? entity : undefined;
  }
}
