-- expect: unaffected
SELECT account_id, email
FROM accounts_v2
WHERE created >= DATE'2024-01-01'
