-- expect: unaffected
SELECT account_id FROM accounts_v2
INTERSECT
SELECT account_id FROM orders
