-- expect: rewritable
SELECT account_id, CAST(amount AS INT) AS amount
FROM accounts_v2
WHERE amount BETWEEN 10 AND 20
