-- expect: rewritable
SELECT full_name AS name
FROM accounts_v2
WHERE account_id IN (SELECT account_id FROM orders WHERE total > 100)
