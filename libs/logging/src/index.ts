export { LoggingModule, loggerParams } from './logging.module';
export { AppLogger, ROOT_LOGGER } from './app-logger';
export { redactUrl, REDACT_PATHS } from './redaction';
