-- expect: needs-person: reads legacy
SELECT account_id
FROM accounts
WHERE legacy = 'Y'
