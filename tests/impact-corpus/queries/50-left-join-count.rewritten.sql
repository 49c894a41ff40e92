-- expect: rewritable
SELECT a.full_name AS name, count(o.order_id) AS orders
FROM accounts_v2 a
LEFT JOIN orders o ON a.account_id = o.account_id
GROUP BY a.full_name
