-- expect: rewritable
SELECT created, full_name AS name, count(*) AS n
FROM accounts_v2
GROUP BY GROUPING SETS ((created), (full_name))
