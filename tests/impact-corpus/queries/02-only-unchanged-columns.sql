-- expect: unaffected
SELECT account_id, email
FROM accounts
WHERE created >= DATE'2024-01-01'
