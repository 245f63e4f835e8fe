import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '@moderato/config';
import { buildDataSourceOptions, type DatabaseSchema } from './data-source-options';
import { runMigrationsWithLock } from './migrations';
import { Transactions } from './transactions';

@Module({})
export class DatabaseModule {
  /**
   * Connects TypeORM to DATABASE_URL. With `migrate: true` and DB_MIGRATE_ON_BOOT on, pending
   * migrations run (under an advisory lock) before anything can use the connection.
   * `retryAttempts` (default: Nest's 10, 3 s apart): how often a failed connection is tried;
   * a command-line tool passes 1 to fail at once. `poolSize`: connections (default 10).
   * `queryTimeoutMs`: the longest a statement may run or wait for its answer (default: no limit).
   */
  static forRoot(
    schema: DatabaseSchema,
    options: { migrate?: boolean; retryAttempts?: number; poolSize?: number; queryTimeoutMs?: number } = {},
  ): DynamicModule {
    return {
      module: DatabaseModule,
      // Global: every lib's stores inject the data source, every service may run a Transactions.
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({
            ...buildDataSourceOptions(config.database.url, schema, { poolSize: options.poolSize, queryTimeoutMs: options.queryTimeoutMs }),
            ...(options.retryAttempts === undefined ? {} : { retryAttempts: options.retryAttempts }),
          }),
          dataSourceFactory: async (dataSourceOptions) => {
            const dataSource = await new DataSource(dataSourceOptions!).initialize();
            return dataSource;
          },
        }),
      ],
      providers: [
        {
          provide: 'MODERATO_MIGRATE_ON_BOOT',
          inject: [AppConfig, DataSource],
          useFactory: async (config: AppConfig, dataSource: DataSource) => {
            if (!options.migrate || !config.database.migrateOnBoot) return false;
            const logger = new Logger('Migrations');
            const ran = await runMigrationsWithLock(dataSource);
            logger.log(ran.length ? `applied ${ran.map((m) => m.name).join(', ')}` : 'schema is up to date');
            return true;
          },
        },
        Transactions,
      ],
      exports: [TypeOrmModule, Transactions],
    };
  }
}
