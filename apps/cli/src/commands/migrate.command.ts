import { DataSource } from 'typeorm';
import { loadConfig } from '@moderato/config';
import { runMigrationsWithLock } from '@moderato/database';
import type { CliCommand } from '../command';
import { withAppContext } from '../context';

export const migrateCommand: CliCommand = {
  name: 'migrate',
  usage: '',
  summary: 'apply pending database migrations (safe while other replicas run: advisory lock)',
  async run({ io, env }) {
    const config = loadConfig(env);
    const ran = await withAppContext(config, (app) => runMigrationsWithLock(app.get(DataSource)));
    io.out(
      ran.length
        ? `Applied ${ran.length} migration${ran.length === 1 ? '' : 's'}: ${ran.map((m) => m.name).join(', ')}`
        : 'No pending migrations: the database is up to date.',
    );
    return 0;
  },
};
