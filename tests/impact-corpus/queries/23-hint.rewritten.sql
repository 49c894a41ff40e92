-- expect: rewritable
SELECT /*+ BROADCAST(accounts) */ o.order_id, accounts.full_name AS name
FROM orders o
JOIN accounts_v2 AS accounts ON accounts.account_id = o.account_id
