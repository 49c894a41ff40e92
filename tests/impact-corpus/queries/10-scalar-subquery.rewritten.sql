-- expect: rewritable
SELECT o.order_id,
       (SELECT max(full_name) FROM accounts_v2 a WHERE a.account_id = o.account_id) AS buyer
FROM orders o
