-- expect: rewritable
SELECT created, count(*) AS c
FROM accounts_v2
GROUP BY created
HAVING max(CAST(score AS STRING)) > '9'
