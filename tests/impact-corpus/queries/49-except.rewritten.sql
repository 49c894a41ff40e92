-- expect: rewritable
SELECT full_name AS name FROM accounts_v2
EXCEPT
SELECT status FROM orders
