import { Body, Controller, Get, HttpCode, Param, Post, Render, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppConfig } from '@moderato/config';
import { RequireRoles } from '@moderato/identity';
import {
  CreateServerDto,
  JitsiEventsSecrets,
  JitsiInteropService,
  JitsiServerNameTaken,
  JitsiServersService,
  RotateSecretDto,
  UpdateServerDto,
  SystemKeysService,
  WrongSigningMode,
  endMeetingSnippets,
  eventSyncSnippets,
  jitsiConfigSnippets,
  participantFeatureSnippets,
  snippetsAsText,
  type JitsiServer,
} from '@moderato/jitsi';
import { setFlash, validateForm } from '@moderato/web';
import { actorOf } from '../common/actor';

const EMPTY_FORM = {
  name: '',
  baseUrl: 'https://',
  xmppDomain: 'meet.jitsi',
  appId: 'moderato',
  audience: 'jitsi',
  signingMode: 'HS256',
  secret: '',
  allowedOrganizerRoles: '',
};

function formOf(server: JitsiServer) {
  return { ...server, allowedOrganizerRoles: server.allowedOrganizerRoles.join(', ') };
}

/** Administration → Jitsi servers: the pages. The REST twin is ServersController. */
@ApiExcludeController()
@RequireRoles('admin')
@Controller('admin/servers')
export class ServersPageController {
  constructor(
    private readonly servers: JitsiServersService,
    private readonly config: AppConfig,
    private readonly interop: JitsiInteropService,
    private readonly systemKeys: SystemKeysService,
    private readonly eventsSecrets: JitsiEventsSecrets,
  ) {}

  @Get()
  @Render('admin/servers')
  async list() {
    const [servers, checks, unverified] = await Promise.all([this.servers.list(), this.interop.latestResults(), this.interop.unverified()]);
    return { servers, checks: Object.fromEntries(checks), unverified };
  }

  @Get('new')
  @Render('admin/server-form')
  newForm() {
    return { mode: 'create', form: EMPTY_FORM, errors: {} };
  }

  @Post()
  async create(@Body() body: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
    const form = await validateForm(CreateServerDto, body);
    if (!form.ok) return res.status(400).render('admin/server-form', { mode: 'create', form: { ...EMPTY_FORM, ...form.input }, errors: form.errors });
    try {
      const { server, secret } = await this.servers.create(form.value, actorOf(req));
      // The generated secret is shown this once, on the page the browser lands on.
      res.status(201).render('admin/server', await this.details(server, { secret: form.value.secret ? undefined : secret, created: true }));
    } catch (error) {
      if (error instanceof JitsiServerNameTaken) {
        return res.status(409).render('admin/server-form', { mode: 'create', form: { ...EMPTY_FORM, ...body }, errors: { name: [error.message] } });
      }
      throw error;
    }
  }

  @Get(':id')
  @Render('admin/server')
  async show(@Param('id') id: string) {
    return this.details(await this.servers.get(id));
  }

  @Get(':id/edit')
  @Render('admin/server-form')
  async editForm(@Param('id') id: string) {
    const server = await this.servers.get(id);
    return { mode: 'edit', server, form: formOf(server), errors: {} };
  }

  @Post(':id')
  async update(@Param('id') id: string, @Body() body: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
    const server = await this.servers.get(id);
    const form = await validateForm(UpdateServerDto, { ...body, enabled: body.enabled ?? 'false', lobbyBypass: body.lobbyBypass ?? 'false' });
    if (!form.ok) return res.status(400).render('admin/server-form', { mode: 'edit', server, form: { ...formOf(server), ...form.input }, errors: form.errors });
    try {
      await this.servers.update(id, form.value, actorOf(req));
    } catch (error) {
      if (error instanceof JitsiServerNameTaken) {
        return res.status(409).render('admin/server-form', { mode: 'edit', server, form: { ...formOf(server), ...body }, errors: { name: [error.message] } });
      }
      throw error;
    }
    setFlash(res, this.config, { type: 'success', key: 'flash.saved' });
    res.redirect(303, `/admin/servers/${id}`);
  }

  @Post(':id/reveal-secret')
  @HttpCode(200)
  @Render('admin/server')
  async reveal(@Param('id') id: string, @Req() req: Request) {
    const secret = await this.servers.revealSecret(id, actorOf(req));
    return this.details(await this.servers.get(id), { secret });
  }

  /** The system key of End meeting (one for all servers), from a server's page: back to that page. */
  @Post(':id/rotate-system-key')
  async rotateSystemKey(@Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const server = await this.servers.get(id);
    await this.systemKeys.rotate(actorOf(req));
    setFlash(res, this.config, { type: 'success', key: 'endMeeting.server.rotated' });
    res.redirect(303, `/admin/servers/${server.id}#end-meeting`);
  }

  @Post(':id/rotate-key')
  async rotate(@Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.servers.rotateKey(id, actorOf(req));
    setFlash(res, this.config, { type: 'success', key: 'flash.keyRotated' });
    res.redirect(303, `/admin/servers/${id}`);
  }

  /** HS256: the confirmation page (a form, so it works without JavaScript), with an optional secret of one's own. */
  @Get(':id/rotate-secret')
  @Render('admin/server-rotate-secret')
  async rotateSecretForm(@Param('id') id: string) {
    const server = await this.servers.get(id);
    if (server.signingMode !== 'HS256') throw new WrongSigningMode('Rotating a shared secret', server.signingMode);
    return { server, form: { secret: '' }, errors: {} };
  }

  @Post(':id/rotate-secret')
  async rotateSecret(@Param('id') id: string, @Body() body: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
    const server = await this.servers.get(id);
    const form = await validateForm(RotateSecretDto, body);
    if (!form.ok) return res.status(400).render('admin/server-rotate-secret', { server, form: { secret: '', ...form.input }, errors: form.errors });
    const { server: rotated, secret } = await this.servers.rotateSecret(id, actorOf(req), form.value.secret);
    // The new secret is shown this once, with the configuration lines that carry it.
    res.status(200).render('admin/server', await this.details(rotated, { secret, rotated: true }));
  }

  /** Presence events: the page that creates (or, confirmed, replaces) the events secret; works without JavaScript. */
  @Get(':id/events-secret')
  @Render('admin/server-events-secret')
  async eventsSecretForm(@Param('id') id: string) {
    const server = await this.servers.get(id);
    return { server, secret: undefined, apiPrefix: `${this.config.publicUrl}/jitsi/${server.id}`, snippets: eventSyncSnippets(server, this.config.publicUrl) };
  }

  @Post(':id/events-secret')
  @HttpCode(200)
  @Render('admin/server-events-secret')
  async eventsSecret(@Param('id') id: string, @Req() req: Request) {
    const { apiPrefix, secret } = await this.eventsSecrets.rotate(id, actorOf(req));
    const server = await this.servers.get(id);
    // Shown this once, inside the lines to paste.
    return { server, secret, apiPrefix, snippets: eventSyncSnippets(server, this.config.publicUrl, secret) };
  }

  /** The configuration as a text file (the secret stays a placeholder). */
  @Get(':id/jitsi-config.txt')
  async download(@Param('id') id: string, @Res() res: Response): Promise<void> {
    const server = await this.servers.get(id);
    res.attachment(`jitsi-config-${server.name.replace(/[^A-Za-z0-9.-]+/g, '-')}.txt`);
    res
      .type('text/plain; charset=utf-8')
      .send(snippetsAsText([...jitsiConfigSnippets(server, this.config.publicUrl), ...participantFeatureSnippets(server)], server.name));
  }

  private async details(server: JitsiServer, extra: { secret?: string; created?: boolean; rotated?: boolean } = {}) {
    const keys = server.signingMode === 'RS256' ? await this.servers.publishedKeys(server.id) : [];
    const latest = (await this.interop.latestResults()).get(server.id);
    return {
      server,
      keys,
      latest,
      unverified: server.enabled && (latest?.check.status !== 'verified' || latest.settingsChanged) ? [{ server, latest }] : [],
      revealedSecret: extra.secret,
      created: extra.created ?? false,
      rotated: extra.rotated ?? false,
      keyServerUrl: `${this.config.publicUrl}/asap/${server.id}`,
      snippets: [...jitsiConfigSnippets(server, this.config.publicUrl, { secret: extra.secret }), ...participantFeatureSnippets(server)],
      systemKeyUrl: this.systemKeys.keyUrl(),
      systemKey: await this.systemKeys.active(),
      endMeetingSnippets: endMeetingSnippets(server, this.systemKeys.keyUrl()),
    };
  }
}
