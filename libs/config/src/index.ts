export {
  AppConfig,
  ConfigError,
  loadConfig,
  loadConfigOrExit,
  readProcessEnvironment,
  type LdapGroupMembership,
  type LdapSettings,
  type Locale,
  type NodeEnv,
} from './app-config';
export { ConfigModule } from './config.module';
export { type SmtpTlsSettings } from './smtp-tls';
export { ENV_DEFAULTS } from './environment';
export { DEMO_SECRET_VALUES, urlCredentialProblem } from './production-secrets';
