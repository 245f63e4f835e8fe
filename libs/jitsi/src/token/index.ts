export * from './mint-room-token';
export * from './token-rules';
export * from './inspect-token';
export * from './feature-check';
export * from './mint-system-token';
