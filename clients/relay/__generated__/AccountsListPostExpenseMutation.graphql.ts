/**
 * @generated SignedSource<<8b9416b4eb6f8b0317457b7b305f4160>>
 * @lightSyntaxTransform
 */

/* tslint:disable */
/* eslint-disable */
// @ts-nocheck

import { ConcreteRequest } from 'relay-runtime';
export type ErrorCode = "ACCOUNT_CLOSED" | "ACCOUNT_IN_USE" | "ACCOUNT_NOT_EMPTY" | "ALLOCATION_EXCEEDED" | "ALREADY_POSTED" | "BUDGET_FROZEN" | "CATEGORY_CYCLE" | "CATEGORY_HAS_CHILDREN" | "CATEGORY_IN_USE" | "CATEGORY_KIND_MISMATCH" | "CURRENCY_MISMATCH" | "DUPLICATE" | "ENTRY_POSTED" | "FILE_TOO_LARGE" | "FILE_TYPE_REFUSED" | "IDEMPOTENCY_KEY_REUSED" | "INSUFFICIENT_FUNDS" | "INVALID_AMOUNT" | "INVALID_DATE_RANGE" | "INVALID_ID" | "INVALID_INPUT" | "NOT_FOUND" | "NOT_POSTED" | "SAME_ACCOUNT" | "TRANSACTION_IN_USE" | "TRANSFER_CANCELLED" | "UNKNOWN_CURRENCY" | "UNKNOWN_VALUE" | "%future added value";
export type AccountsListPostExpenseMutation$variables = {
  id: string;
};
export type AccountsListPostExpenseMutation$data = {
  readonly postExpense: {
    readonly __typename: string;
    readonly code?: ErrorCode;
    readonly expense?: {
      readonly amount: string;
      readonly id: string;
      readonly posted: boolean;
    };
    readonly field?: string | null | undefined;
    readonly message?: string;
  };
};
export type AccountsListPostExpenseMutation = {
  response: AccountsListPostExpenseMutation$data;
  variables: AccountsListPostExpenseMutation$variables;
};

const node: ConcreteRequest = (function(){
var v0 = [
  {
    "defaultValue": null,
    "kind": "LocalArgument",
    "name": "id"
  }
],
v1 = [
  {
    "alias": null,
    "args": [
      {
        "fields": [
          {
            "kind": "Variable",
            "name": "id",
            "variableName": "id"
          }
        ],
        "kind": "ObjectValue",
        "name": "input"
      }
    ],
    "concreteType": null,
    "kind": "LinkedField",
    "name": "postExpense",
    "plural": false,
    "selections": [
      {
        "alias": null,
        "args": null,
        "kind": "ScalarField",
        "name": "__typename",
        "storageKey": null
      },
      {
        "kind": "InlineFragment",
        "selections": [
          {
            "alias": null,
            "args": null,
            "concreteType": "Expense",
            "kind": "LinkedField",
            "name": "expense",
            "plural": false,
            "selections": [
              {
                "alias": null,
                "args": null,
                "kind": "ScalarField",
                "name": "id",
                "storageKey": null
              },
              {
                "alias": null,
                "args": null,
                "kind": "ScalarField",
                "name": "posted",
                "storageKey": null
              },
              {
                "alias": null,
                "args": null,
                "kind": "ScalarField",
                "name": "amount",
                "storageKey": null
              }
            ],
            "storageKey": null
          }
        ],
        "type": "PostExpenseSuccess",
        "abstractKey": null
      },
      {
        "kind": "InlineFragment",
        "selections": [
          {
            "alias": null,
            "args": null,
            "kind": "ScalarField",
            "name": "code",
            "storageKey": null
          },
          {
            "alias": null,
            "args": null,
            "kind": "ScalarField",
            "name": "message",
            "storageKey": null
          },
          {
            "alias": null,
            "args": null,
            "kind": "ScalarField",
            "name": "field",
            "storageKey": null
          }
        ],
        "type": "Error",
        "abstractKey": "__isError"
      }
    ],
    "storageKey": null
  }
];
return {
  "fragment": {
    "argumentDefinitions": (v0/*:: as any*/),
    "kind": "Fragment",
    "metadata": null,
    "name": "AccountsListPostExpenseMutation",
    "selections": (v1/*:: as any*/),
    "type": "Mutation",
    "abstractKey": null
  },
  "kind": "Request",
  "operation": {
    "argumentDefinitions": (v0/*:: as any*/),
    "kind": "Operation",
    "name": "AccountsListPostExpenseMutation",
    "selections": (v1/*:: as any*/)
  },
  "params": {
    "cacheID": "a545df49cf99ae104f466a0d45b4a5bd",
    "id": null,
    "metadata": {},
    "name": "AccountsListPostExpenseMutation",
    "operationKind": "mutation",
    "text": "mutation AccountsListPostExpenseMutation(\n  $id: ID!\n) {\n  postExpense(input: {id: $id}) {\n    __typename\n    ... on PostExpenseSuccess {\n      expense {\n        id\n        posted\n        amount\n      }\n    }\n    ... on Error {\n      __isError: __typename\n      code\n      message\n      field\n    }\n  }\n}\n"
  }
};
})();

(node as any).hash = "bcaf8ab0a7cbc8802139aa53844e79d1";

export default node;
