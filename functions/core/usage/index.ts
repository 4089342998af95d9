export * from './ledger';
export * from './prices';
export * from './report';
