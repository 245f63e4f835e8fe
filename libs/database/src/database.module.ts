import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '@moderato/config';
import { buildDataSourceOptions, type DatabaseSchema } from './data-source-options';
import { runMigrationsWithLock } from './migrations';

@Module({})
export class DatabaseModule {
  /**
   * Connects TypeORM to DATABASE_URL. With `migrate: true` and DB_MIGRATE_ON_BOOT on, pending
   * migrations run (under an advisory lock) before anything can use the connection.
   */
  static forRoot(schema: DatabaseSchema, options: { migrate?: boolean } = {}): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => buildDataSourceOptions(config.database.url, schema),
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
      ],
      exports: [TypeOrmModule],
    };
  }
}
