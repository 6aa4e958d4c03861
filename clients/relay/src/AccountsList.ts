// An example Relay operation for `relay-compiler` (test/clients/relay.test.ts compiles it).
// Relay needs no schema change: Node, node(id:), opaque global ids and cursor connections are there.
import { graphql } from 'relay-runtime';

export const AccountsListQuery = graphql`
  query AccountsListQuery {
    accounts(first: 20) {
      edges { cursor node { id name currency balance } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

export const PostExpenseMutation = graphql`
  mutation AccountsListPostExpenseMutation($id: ID!) {
    postExpense(input: { id: $id }) {
      __typename
      ... on PostExpenseSuccess { expense { id posted amount } }
      ... on Error { code message field }
    }
  }
`;
