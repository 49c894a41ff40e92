-- expect: rewritable
SELECT account_id
FROM accounts_v2
ORDER BY full_name, account_id
