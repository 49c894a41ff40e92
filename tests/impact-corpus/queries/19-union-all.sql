-- expect: rewritable
SELECT name FROM accounts WHERE score = '100'
UNION ALL
SELECT name FROM accounts WHERE amount > 10
