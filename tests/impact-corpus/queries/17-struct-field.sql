-- expect: unaffected
SELECT address.city, count(*) AS n
FROM accounts
GROUP BY address.city
