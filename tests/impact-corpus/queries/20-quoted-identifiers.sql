-- expect: rewritable
SELECT `Name`, `account_id`
FROM `accounts`
