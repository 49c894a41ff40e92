-- expect: rewritable
SELECT name, address FROM accounts
