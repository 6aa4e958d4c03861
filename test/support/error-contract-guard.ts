/**
 * Runs before every test file (vitest setupFiles): fails the file when any mutation answered an
 * error its result union does not declare (the pipeline in src/graphql/mutation.ts records them). With one test
 * per error code per mutation and the schema fuzzer, a service that throws an undeclared error
 * fails CI instead of reaching clients as a masked internal error.
 */
import { afterAll, expect } from 'vitest';
import { undeclaredErrors } from '../../src/graphql/undeclared-errors.js';

afterAll(() => {
  expect(undeclaredErrors, 'mutations answered errors their result unions do not declare').toEqual([]);
});
