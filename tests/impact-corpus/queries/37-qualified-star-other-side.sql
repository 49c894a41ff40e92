-- expect: rewritable
SELECT o.*, a.name
FROM orders o
JOIN accounts a ON a.account_id = o.account_id
