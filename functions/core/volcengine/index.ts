export * from './types';
export * from './signer';
export * from './assets-client';
