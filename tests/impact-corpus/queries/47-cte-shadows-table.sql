-- expect: unaffected: does not read accounts-v1
WITH accounts AS (SELECT account_id, status AS name FROM orders)
SELECT name FROM accounts
