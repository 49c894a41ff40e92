-- expect: rewritable
SELECT upper(name) AS name
FROM accounts
ORDER BY name
