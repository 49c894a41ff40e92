-- expect: rewritable
SELECT account_id, CAST(score AS INT) + 1 AS next_score
FROM accounts
