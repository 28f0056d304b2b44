#!/usr/bin/env node
// Entry point for `npx bench`: loads the TypeScript CLI through tsx so that no build step is needed after `npm install`.
import { register } from 'tsx/esm/api';

register();
await import('../experiments/cli/main.ts');
