-- expect: rewritable
SELECT o.*, a.full_name AS name
FROM orders o
JOIN accounts_v2 a ON a.account_id = o.account_id
