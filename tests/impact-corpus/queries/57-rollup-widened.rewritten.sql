-- expect: rewritable
SELECT created, sum(amount) AS total
FROM accounts_v2
GROUP BY ROLLUP(created)
