-- expect: rewritable
SELECT account_id
FROM accounts
ORDER BY name, account_id
