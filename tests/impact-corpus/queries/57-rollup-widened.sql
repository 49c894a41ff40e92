-- expect: rewritable
SELECT created, sum(amount) AS total
FROM accounts
GROUP BY ROLLUP(created)
