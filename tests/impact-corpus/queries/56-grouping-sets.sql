-- expect: rewritable
SELECT created, name, count(*) AS n
FROM accounts
GROUP BY GROUPING SETS ((created), (name))
