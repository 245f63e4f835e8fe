import { SystemClock, type Clock } from '@moderato/core';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { refuseSystemToken, roomOfConference } from './end-meeting';
import { EventSync, type EventSyncOptions } from './event-sync';
import { judgeToken, type Admitted, type JitsiHostSettings, type JudgeOptions } from './judge';
import { PAGE_HEADERS, escapeHtml, indexPage, leftPage, refusedPage, roomPage, type Occupant } from './pages';

export interface DevJitsiOptions {
  /** How the stand-in's Prosody is configured (domain, app id, secret or key server). */
  settings: JitsiHostSettings;
  /** Port to listen on; 0 = a free port. */
  port?: number;
  /** Interface; default 127.0.0.1. */
  host?: string;
  /** True refuses to start: the stand-in must never run in production. */
  production?: boolean;
  /** The stand-in's clock (a FixedClock in tests); default the system clock. */
  clock?: Clock;
  /** Key fetcher for RS256 (default fetch). */
  fetchKey?: JudgeOptions['fetchKey'];
  /** Report joins and leaves as Jitsi's event_sync component would (to Moderato's `/jitsi/<serverId>`). */
  events?: EventSyncOptions;
}

export interface RunningDevJitsi {
  /** Base URL, e.g. http://127.0.0.1:8443 (register it as the Jitsi server's base URL). */
  url: string;
  /** Who is in which room now (rooms with nobody in them are absent). */
  rooms(): ReadonlyMap<string, readonly Occupant[]>;
  /** Resolves when every presence event so far was posted (with `events`). */
  flushEvents(): Promise<void>;
  close(): Promise<void>;
}

const MAX_FORM_BYTES = 4 * 1024;
const ROOM = /^[^/?#@\s]{1,256}$/;

function send(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { ...PAGE_HEADERS, 'content-length': Buffer.byteLength(html) });
  res.end(html);
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) return null;
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** What a browser is told to connect to, as a Jitsi deployment's config.js does (the doctor reads it). */
function configJs(domain: string): string {
  return `// Jitsi Meet development stand-in (Moderato)\nvar config = {\n    hosts: {\n        domain: '${domain}',\n        muc: 'conference.${domain}'\n    }\n};\n`;
}

/**
 * Starts the development stand-in for a Jitsi Meet deployment with token authentication and
 * token_affiliation: `GET /<room>?jwt=…` judges the token as Prosody would and shows the
 * outcome (in the room as organizer / moderator / participant, or refused with Prosody's
 * words); presence is kept in memory. Never for production.
 */
export async function startDevJitsi(options: DevJitsiOptions): Promise<RunningDevJitsi> {
  if (options.production) {
    throw new Error('The development Jitsi stand-in must not run in production: register your real Jitsi Meet server instead.');
  }
  const { settings } = options;
  if (!settings.appSecret && !settings.asapKeyServer) throw new Error('Development Jitsi: set an app secret (HS256) or an ASAP key server URL (RS256)');
  const clock = options.clock ?? new SystemClock();
  const now = () => Math.floor(clock.now().getTime() / 1000);
  const rooms = new Map<string, Map<string, Occupant>>();
  const eventSync = options.events ? new EventSync(options.events, settings.domain) : null;
  const jids = new Map<string, string>();

  const snapshot = () => new Map([...rooms].map(([room, occupants]) => [room, [...occupants.values()]] as const));

  const enter = (admitted: Admitted): Occupant => {
    const occupants = rooms.get(admitted.room) ?? new Map<string, Occupant>();
    rooms.set(admitted.room, occupants);
    // The same person opening the room again (a reload) is one occupant, as one Jitsi tab would be.
    const key = admitted.user.id ?? admitted.user.email ?? admitted.user.name ?? randomBytes(8).toString('hex');
    const existing = [...occupants.values()].find((occupant) => occupant.id.startsWith(`${key}:`));
    if (existing) {
      existing.affiliation = admitted.affiliation;
      return existing;
    }
    const occupant: Occupant = {
      id: `${key}:${randomBytes(6).toString('hex')}`,
      name: admitted.user.name || admitted.user.email || 'Fellow Jitster',
      email: admitted.user.email,
      affiliation: admitted.affiliation,
      joinedAt: new Date(now() * 1000),
    };
    occupants.set(occupant.id, occupant);
    if (eventSync) jids.set(occupant.id, eventSync.joined(admitted.room, admitted.user, now()));
    return occupant;
  };

  // Jitsi's muc_end_meeting: 400 without conference, 401 for a token it does not accept, 404 for no such room, else the room is closed.
  const endMeeting = async (req: IncomingMessage, url: URL, res: ServerResponse) => {
    const answer = (status: number) => res.writeHead(status, { 'content-length': '0' }).end();
    const conference = url.searchParams.get('conference');
    if (!conference) return answer(400);
    const authorization = req.headers.authorization ?? '';
    if (!authorization.startsWith('Bearer ')) return answer(401);
    const refusal = await refuseSystemToken(authorization.slice(7), settings, { now: now(), fetchKey: options.fetchKey });
    if (refusal) {
      process.stderr.write(`dev-jitsi: end-meeting refused: not a valid token ${refusal}\n`);
      return answer(401);
    }
    const room = roomOfConference(conference, settings);
    if (room === null || !rooms.has(room)) return answer(404);
    rooms.delete(room);
    return answer(200);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const path = url.pathname;
    if (req.method === 'GET' && path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      return;
    }
    if (req.method === 'GET' && path === '/config.js') {
      res.writeHead(200, { 'content-type': 'application/javascript', 'cache-control': 'no-store' }).end(configJs(settings.domain));
      return;
    }
    if (req.method === 'GET' && path === '/api/rooms') {
      const body = JSON.stringify(Object.fromEntries([...snapshot()].map(([room, occupants]) => [room, occupants])));
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(body);
      return;
    }
    if (req.method === 'POST' && path === '/end-meeting') {
      await endMeeting(req, url, res);
      return;
    }
    if (req.method === 'GET' && path === '/') {
      send(res, 200, indexPage(snapshot(), settings.domain));
      return;
    }
    const segments = path.split('/').slice(1);
    let room: string;
    try {
      room = decodeURIComponent(segments[0] ?? '');
    } catch {
      room = '';
    }
    if (!ROOM.test(room)) {
      send(res, 404, `<!DOCTYPE html><title>Not found</title><p>No such page: ${escapeHtml(path)}</p>`);
      return;
    }
    room = room.toLowerCase();
    if (req.method === 'GET' && segments.length === 1) {
      const judgement = await judgeToken(url.searchParams.get('jwt'), room, settings, { now: now(), fetchKey: options.fetchKey });
      if (judgement.verdict === 'refused') {
        send(res, 403, refusedPage(judgement));
        return;
      }
      const me = enter(judgement);
      const others = [...(rooms.get(room)?.values() ?? [])].filter((occupant) => occupant.id !== me.id);
      send(res, 200, roomPage(judgement, me, others));
      return;
    }
    if (req.method === 'POST' && segments.length === 2 && segments[1] === 'leave') {
      const form = await readForm(req);
      const occupants = rooms.get(room);
      const id = form?.get('occupant');
      if (occupants && id) {
        if (eventSync && occupants.has(id)) eventSync.left(room, jids.get(id)!, now());
        jids.delete(id);
        occupants.delete(id);
        if (!occupants.size) rooms.delete(room);
      }
      send(res, 200, leftPage(room));
      return;
    }
    res.writeHead(405, { 'content-type': 'text/plain' }).end('method not allowed\n');
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`stand-in error: ${error instanceof Error ? error.message : String(error)}\n`);
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          error.code === 'EADDRINUSE' ? `Development Jitsi: ${host}:${options.port} is already in use` : `Development Jitsi cannot listen: ${error.message}`,
        ),
      ),
    );
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '127.0.0.1' ? '127.0.0.1' : host;
  return {
    url: `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`,
    rooms: snapshot,
    flushEvents: () => eventSync?.flush() ?? Promise.resolve(),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
