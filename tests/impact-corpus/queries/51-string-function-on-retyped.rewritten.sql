-- expect: rewritable
SELECT account_id
FROM accounts_v2
WHERE length(CAST(score AS STRING)) = 2
