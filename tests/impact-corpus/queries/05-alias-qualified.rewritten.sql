-- expect: rewritable
SELECT a.account_id, a.full_name AS name
FROM accounts_v2 a
WHERE CAST(a.score AS STRING) > '50'
