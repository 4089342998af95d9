export * from './budgets';
export * from './window';
export * from './acquire';
export * from './schedule';
