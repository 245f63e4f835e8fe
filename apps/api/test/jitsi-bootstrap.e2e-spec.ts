import { DataSource } from 'typeorm';
import { JitsiServersService } from '@moderato/jitsi';
import { createTestDatabase } from '@moderato/testing';
import { startApi, type RunningApi } from './api-app';

describe('a Jitsi server from the environment at boot (JITSI_URL & co.)', () => {
  const env = {
    JITSI_URL: 'https://meet.school.test/',
    JITSI_DOMAIN: 'meet.jitsi',
    JITSI_APP_ID: 'moderato',
    JITSI_APP_SECRET: 'a-shared-secret-of-at-least-32-characters!',
  };
  let api: RunningApi;

  afterEach(async () => {
    await api?.close();
  });

  it('is created when no server exists, with the secret sealed', async () => {
    api = await startApi({ env });
    const service = api.app.get(JitsiServersService);
    const servers = await service.list();
    expect(servers).toHaveLength(1);
    expect(servers[0]).toMatchObject({
      name: 'meet.school.test',
      baseUrl: 'https://meet.school.test',
      xmppDomain: 'meet.jitsi',
      appId: 'moderato',
      audience: 'jitsi',
      signingMode: 'HS256',
      enabled: true,
    });
    expect(await service.signingKey(servers[0])).toEqual({ alg: 'HS256', secret: env.JITSI_APP_SECRET });
    const [row] = await api.app.get(DataSource).query('SELECT secret_encrypted FROM jitsi_servers');
    expect(row.secret_encrypted).not.toContain(env.JITSI_APP_SECRET);
  });

  it('is not created again, nor changed, when a server exists (next boot, other replicas)', async () => {
    const db = await createTestDatabase();
    try {
      api = await startApi({ env, db });
      await api.close();
      api = await startApi({ env: { ...env, JITSI_URL: 'https://elsewhere.school.test', JITSI_APP_SECRET: 'another-secret-of-at-least-32-characters' }, db });
      const servers = await api.app.get(JitsiServersService).list();
      expect(servers.map((server) => server.baseUrl)).toEqual(['https://meet.school.test']);
      expect(await api.app.get(JitsiServersService).signingKey(servers[0])).toEqual({ alg: 'HS256', secret: env.JITSI_APP_SECRET });
    } finally {
      await api.close();
      api = undefined as unknown as RunningApi;
      await db.drop();
    }
  });
});
