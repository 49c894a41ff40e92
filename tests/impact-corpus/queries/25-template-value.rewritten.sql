-- expect: rewritable
SELECT full_name AS name, CAST(amount AS INT) AS amount
FROM accounts_v2
WHERE amount > {{ min_amount }}
