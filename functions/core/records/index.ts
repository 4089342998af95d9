export * from './execution-end';
export * from './list';
export * from './table';
export * from './transitions';
export * from './types';
export * from './uploads';
export * from './videos';
