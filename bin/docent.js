#!/usr/bin/env node
// Runs the TypeScript sources directly so `npx docent` works from a checkout without a build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
