export { JitsiServer, type SigningMode } from './jitsi-server.entity';
export { JitsiSigningKey } from './jitsi-signing-key.entity';
export { CreateServerDto, UpdateServerDto } from './dto/server.dto';
export { JitsiServersService, kidHash, type Actor } from './jitsi-servers.service';
export { JitsiServerNameTaken, JitsiServerNotFound, WrongSigningMode } from './jitsi.errors';
export { jitsiConfigSnippets, snippetsAsText, SECRET_PLACEHOLDER, type SnippetLine, type SnippetSection } from './config-snippets';
export { JitsiModule } from './jitsi.module';
export * from './token';
