-- expect: rewritable
SELECT account_id, full_name AS name, total
FROM accounts_v2
JOIN orders USING (account_id)
