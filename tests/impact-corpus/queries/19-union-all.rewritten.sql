-- expect: rewritable
SELECT full_name AS name FROM accounts_v2 WHERE CAST(score AS STRING) = '100'
UNION ALL
SELECT full_name AS name FROM accounts_v2 WHERE amount > 10
