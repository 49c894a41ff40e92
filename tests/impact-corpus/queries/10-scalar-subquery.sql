-- expect: rewritable
SELECT o.order_id,
       (SELECT max(name) FROM accounts a WHERE a.account_id = o.account_id) AS buyer
FROM orders o
