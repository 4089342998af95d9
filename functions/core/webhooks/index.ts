export * from './deliver';
export * from './endpoints';
export * from './fan-out';
export * from './replay';
export * from './schedule';
export * from './secret-box';
export * from './signing';
export * from './ssrf';
