-- expect: rewritable
SELECT name, amount
FROM accounts
WHERE amount > {{ min_amount }}
