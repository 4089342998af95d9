export * from './marker';
export * from './views';
export * from './adopt';
export * from './delete-guard';
export * from './idempotency';
