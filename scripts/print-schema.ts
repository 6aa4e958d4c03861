/** `npm run schema:print`: rewrites schema.graphql from the code. A test fails when they differ. */
import { writeFileSync } from 'node:fs';
import { printSortedSchema } from '../src/graphql/schema.js';

writeFileSync('schema.graphql', printSortedSchema());
console.log('Wrote schema.graphql');
