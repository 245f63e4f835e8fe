export * from './domain-error';
export * from './clock';
export * from './graceful-shutdown';
export * from './core.module';
export * from './public.decorator';
export * from './secret-box';
export * from './validators';
export * from './zoned-time';
