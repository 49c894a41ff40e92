-- expect: rewritable
SELECT /*+ BROADCAST(accounts) */ o.order_id, accounts.name
FROM orders o
JOIN accounts ON accounts.account_id = o.account_id
