export * from './catalogue';
export * from './from-records';
export * from './schema';
