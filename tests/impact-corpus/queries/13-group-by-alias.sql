-- expect: rewritable
SELECT upper(name) AS who, count(*) AS n
FROM accounts
GROUP BY who
