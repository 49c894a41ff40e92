-- expect: rewritable
SELECT account_id, CAST(CAST(score AS STRING) AS INT) + 1 AS next_score
FROM accounts_v2
