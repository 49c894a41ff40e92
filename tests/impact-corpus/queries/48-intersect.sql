-- expect: unaffected
SELECT account_id FROM accounts
INTERSECT
SELECT account_id FROM orders
