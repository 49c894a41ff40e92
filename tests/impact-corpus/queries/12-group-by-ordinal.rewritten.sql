-- expect: unaffected
SELECT created, count(*) AS n
FROM accounts_v2
GROUP BY 1
