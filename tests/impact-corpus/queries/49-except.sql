-- expect: rewritable
SELECT name FROM accounts
EXCEPT
SELECT status FROM orders
