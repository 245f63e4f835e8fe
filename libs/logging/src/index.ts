export { LoggingModule, loggerParams } from './logging.module';
export { redactUrl, REDACT_PATHS } from './redaction';
