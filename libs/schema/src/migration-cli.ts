/**
 * npm run migration:generate -- <kebab-name>   write migrations/<timestamp>-<name>.ts from the entity diff
 * npm run migration:run                        apply pending migrations (under the advisory lock)
 * npm run migration:revert                     undo the last applied migration
 * npm run migration:status                     list applied and pending migrations
 */
import { writeFileSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { ConfigError, loadConfig, readProcessEnvironment } from '@moderato/config';
import { buildDataSourceOptions, pendingSchemaChanges, runMigrationsWithLock } from '@moderato/database';
import { SCHEMA } from './index';

function migrationSource(className: string, up: string[], down: string[]): string {
  const q = (sql: string) => `        await queryRunner.query(\`${sql.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${')}\`);`;
  return `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${className} implements MigrationInterface {
    name = '${className}';

    public async up(queryRunner: QueryRunner): Promise<void> {
${up.map(q).join('\n')}
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
${down.map(q).join('\n')}
    }
}
`;
}

export async function main(argv: string[]): Promise<number> {
  const [command, name] = argv;
  const config = loadConfig(readProcessEnvironment());
  const dataSource = await new DataSource(buildDataSourceOptions(config.database.url, SCHEMA, { poolSize: 2 })).initialize();
  try {
    switch (command) {
      case 'run': {
        const ran = await runMigrationsWithLock(dataSource);
        console.log(ran.length ? `Applied: ${ran.map((m) => m.name).join(', ')}` : 'No pending migrations.');
        return 0;
      }
      case 'revert':
        await dataSource.undoLastMigration({ transaction: 'each' });
        console.log('Reverted the last migration.');
        return 0;
      case 'status': {
        const pending = await dataSource.showMigrations();
        console.log(pending ? 'There are pending migrations.' : 'All migrations are applied.');
        return pending ? 1 : 0;
      }
      case 'generate': {
        if (!name || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(name)) {
          console.error('Usage: npm run migration:generate -- <kebab-case-name>');
          return 2;
        }
        if (await dataSource.showMigrations()) {
          console.error('Apply pending migrations first (npm run migration:run): a diff against an old schema is wrong.');
          return 2;
        }
        const { up, down } = await pendingSchemaChanges(dataSource);
        if (up.length === 0) {
          console.log('No changes: the entities and the migrations agree.');
          return 0;
        }
        // A new migration's file name: the wall time of the developer's machine, not the domain clock.
        // eslint-disable-next-line no-restricted-syntax
        const timestamp = Date.now();
        const className = name.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase()) + timestamp;
        const dir = resolve(process.cwd(), 'migrations');
        const file = `${timestamp}-${name}`;
        writeFileSync(join(dir, `${file}.ts`), migrationSource(className, up, down));
        const indexFile = join(dir, 'index.ts');
        const index = readFileSync(indexFile, 'utf8')
          .replace(/^(\/\/[^\n]*\n)+/, (header) => `${header}import { ${className} } from './${file}';\n`)
          .replace(/\n\];/, `\n  ${className},\n];`);
        writeFileSync(indexFile, index);
        console.log(`Wrote migrations/${file}.ts (${up.length} statements). Read it before committing.`);
        return 0;
      }
      default:
        console.error('Usage: migration-cli <generate NAME | run | revert | status>');
        return 2;
    }
  } finally {
    await dataSource.destroy();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof ConfigError ? error.message : error);
      process.exit(1);
    },
  );
}
