-- expect: unaffected
SELECT account_id, size(tags) AS n, array_contains(tags, 'vip') AS vip
FROM accounts
