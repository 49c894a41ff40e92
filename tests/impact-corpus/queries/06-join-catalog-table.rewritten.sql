-- expect: rewritable
SELECT a.full_name AS name, o.total
FROM accounts_v2 AS a
JOIN orders AS o ON o.account_id = a.account_id
WHERE o.status = 'paid'
