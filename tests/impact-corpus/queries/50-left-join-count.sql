-- expect: rewritable
SELECT a.name, count(o.order_id) AS orders
FROM accounts a
LEFT JOIN orders o ON a.account_id = o.account_id
GROUP BY a.name
