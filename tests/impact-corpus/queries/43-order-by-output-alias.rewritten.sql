-- expect: rewritable
SELECT upper(full_name) AS name
FROM accounts_v2
ORDER BY name
