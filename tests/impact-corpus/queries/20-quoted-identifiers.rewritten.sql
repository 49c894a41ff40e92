-- expect: rewritable
SELECT `full_name` AS `Name`, `account_id`
FROM accounts_v2
