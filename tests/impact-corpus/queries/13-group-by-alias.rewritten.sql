-- expect: rewritable
SELECT upper(full_name) AS who, count(*) AS n
FROM accounts_v2
GROUP BY who
