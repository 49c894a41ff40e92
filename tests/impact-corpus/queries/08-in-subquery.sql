-- expect: rewritable
SELECT name
FROM accounts
WHERE account_id IN (SELECT account_id FROM orders WHERE total > 100)
