export * from './dispatch-queue.js';
export * from './registry.js';
export * from './strategy.js';
export * from './waiting-invocation.js';
export * from './dispatch-belief.js';
