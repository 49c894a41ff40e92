-- expect: rewritable
SELECT full_name AS name, sum(amount) AS total
FROM accounts_v2
GROUP BY full_name
