-- expect: unaffected
SELECT address.city, count(*) AS n
FROM accounts_v2
GROUP BY address.city
