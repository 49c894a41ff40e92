-- expect: rewritable
SELECT DISTINCT name FROM accounts
