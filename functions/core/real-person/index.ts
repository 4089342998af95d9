export * from './flow';
export * from './page';
export * from './sessions';
export * from './state';
