-- expect: rewritable
SELECT o.order_id
FROM orders o
WHERE EXISTS (SELECT 1 FROM accounts a WHERE a.account_id = o.account_id AND a.name LIKE 'A%')
