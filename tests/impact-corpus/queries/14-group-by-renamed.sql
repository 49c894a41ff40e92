-- expect: rewritable
SELECT name, sum(amount) AS total
FROM accounts
GROUP BY name
