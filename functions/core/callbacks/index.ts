export * from './signature';
export * from './waits';
export * from './wake';
