-- expect: rewritable
SELECT account_id, amount
FROM accounts
WHERE amount BETWEEN 10 AND 20
