import type { AddressInfo } from 'node:net';
import { Public } from '@moderato/core';
import { Controller, Get } from '@nestjs/common';
import { startApi, type RunningApi } from './api-app';

@Public()
@Controller('test-only')
class SlowController {
  @Get('slow')
  async slow() {
    await new Promise((resolve) => setTimeout(resolve, 700));
    return { done: true };
  }
}

describe('graceful shutdown', () => {
  let api: RunningApi;

  beforeAll(async () => {
    api = await startApi({ extraControllers: [SlowController] });
    await api.app.listen(0, '127.0.0.1');
  });

  it('finishes a request that is in flight when the api is told to stop, then refuses new ones', async () => {
    const { port } = api.server.address() as AddressInfo;
    const inFlight = fetch(`http://127.0.0.1:${port}/test-only/slow`);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const closing = api.close(); // what SIGTERM triggers through enableShutdownHooks
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ done: true });
    await closing;
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });
});
