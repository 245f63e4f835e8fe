export { JitsiServer, type SigningMode } from './jitsi-server.entity';
export { JitsiSigningKey } from './jitsi-signing-key.entity';
export { JitsiSystemKey } from './system-keys/jitsi-system-key.entity';
export { SystemKeysService, SYSTEM_KEY_PATH, RETIRED_SYSTEM_KEY_SERVED_MS } from './system-keys/system-keys.service';
export { EndMeetingCall, END_MEETING_TIMEOUT_MS, conferenceJid, endMeetingSupport, mucDomainOf, type EndMeetingSupport } from './system-keys/end-meeting.call';
export { CreateServerDto, UpdateServerDto } from './dto/server.dto';
export { RotateSecretDto } from './dto/rotate-secret.dto';
export { RecordInteropResultDto } from './dto/interop.dto';
export { JitsiServersService, kidHash, type Actor } from './jitsi-servers.service';
export {
  EndMeetingNeedsRs256,
  EndMeetingNotConfigured,
  InteropCheckAlreadyRecorded,
  InteropCheckNotFound,
  JitsiServerNameTaken,
  JitsiServerNotFound,
  ProsodyRefusedSystemToken,
  ProsodyUnreachable,
  WrongSigningMode,
} from './jitsi.errors';
export { endMeetingSnippets, type EndMeetingSnippet } from './system-keys/end-meeting-snippets';
export { participantFeatureSnippets } from './feature-snippets';
export { jitsiConfigSnippets, secretLines, snippetsAsText, SECRET_PLACEHOLDER, type SnippetLine, type SnippetSection } from './config-snippets';
export { JitsiModule } from './jitsi.module';
export { JitsiEventsSecrets, eventsApiPrefix, type EventsSecretCheck } from './events-secrets.service';
export { eventSyncSnippets, eventSyncAsText, EVENT_SYNC_PLUGIN_URL, EVENTS_SECRET_PLACEHOLDER, type EventSyncSnippet } from './event-sync-snippets';
export { serverView } from './server-view';
export * from './token';
export * from './interop';
