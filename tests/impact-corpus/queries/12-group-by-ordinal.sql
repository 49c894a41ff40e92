-- expect: unaffected
SELECT created, count(*) AS n
FROM accounts
GROUP BY 1
