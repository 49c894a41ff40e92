-- expect: rewritable
SELECT created, count(*) AS c
FROM accounts
GROUP BY created
HAVING max(score) > '9'
