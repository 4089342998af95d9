export * from './assets';
export * from './content';
export * from './find-task';
export * from './ids';
export * from './job';
export * from './rules';
export * from './status';
export * from './view';
