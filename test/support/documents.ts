/** The GraphQL documents the account and category API tests send, written once. */
import { randomUUID } from 'node:crypto';
import { encodeGlobalId } from '../../src/graphql/global-id.js';

const RESULT = `__typename ... on Error { code message field }`;

export const CREATE_ACCOUNT = `mutation($input: CreateAccountInput!) {
  createAccount(input: $input) { ${RESULT} ... on CreateAccountSuccess { account { id name bank currency openingBalance balance closed } } }
}`;
export const UPDATE_ACCOUNT = `mutation($input: UpdateAccountInput!) {
  updateAccount(input: $input) { ${RESULT} ... on UpdateAccountSuccess { account { id name bank } } }
}`;
export const CLOSE_ACCOUNT = `mutation($input: CloseAccountInput!) {
  closeAccount(input: $input) { ${RESULT} ... on CloseAccountSuccess { account { id closed } } }
}`;
export const CREATE_CATEGORY = `mutation($input: CreateCategoryInput!) {
  createCategory(input: $input) { ${RESULT} ... on CreateCategorySuccess { category { id title kind depth parent { id } } } }
}`;
export const UPDATE_CATEGORY = `mutation($input: UpdateCategoryInput!) {
  updateCategory(input: $input) { ${RESULT} ... on UpdateCategorySuccess { category { id title parent { id } } } }
}`;
export const DELETE_CATEGORY = `mutation($input: DeleteCategoryInput!) {
  deleteCategory(input: $input) { ${RESULT} ... on DeleteCategorySuccess { deletedId } }
}`;

export const accountId = (uuid: string) => encodeGlobalId('Account', uuid);
export const categoryId = (uuid: string) => encodeGlobalId('Category', uuid);
/** A well-formed id of `type` that names nothing. */
export const missingId = (type: 'Account' | 'Category') => encodeGlobalId(type, randomUUID());
