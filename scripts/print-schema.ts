/**
 * `npm run schema:print`: rewrites schema.graphql and clients/possibleTypes.json (Apollo Client's
 * possibleTypes) from the code. Tests fail when either differs.
 */
import { writeFileSync } from 'node:fs';
import { printSortedSchema, schema } from '../src/graphql/schema.js';
import { POSSIBLE_TYPES_FILE, printPossibleTypes } from './possible-types.js';

writeFileSync('schema.graphql', printSortedSchema());
writeFileSync(POSSIBLE_TYPES_FILE, printPossibleTypes(schema));
console.log(`Wrote schema.graphql and ${POSSIBLE_TYPES_FILE}`);
