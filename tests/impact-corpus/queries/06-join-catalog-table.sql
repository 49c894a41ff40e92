-- expect: rewritable
SELECT a.name, o.total
FROM accounts AS a
JOIN orders AS o ON o.account_id = a.account_id
WHERE o.status = 'paid'
