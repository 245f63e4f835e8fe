export * from './mint-room-token';
export * from './inspect-token';
