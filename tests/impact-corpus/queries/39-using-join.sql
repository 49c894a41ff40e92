-- expect: rewritable
SELECT account_id, name, total
FROM accounts
JOIN orders USING (account_id)
