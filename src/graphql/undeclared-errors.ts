/**
 * DomainErrors a service threw that its mutation's result union does not declare, recorded by the
 * mutation pipeline (./mutation.ts). Such an error can only reach the client masked, so it is a bug:
 * the test suite fails whenever this list is not empty (test/support/error-contract-guard.ts).
 */
export const undeclaredErrors: Array<{ mutation: string; error: string }> = [];
