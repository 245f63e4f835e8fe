export { JitsiServer, type SigningMode } from './jitsi-server.entity';
