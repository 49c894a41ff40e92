-- expect: unaffected
SELECT account_id, tag
FROM accounts
LATERAL VIEW explode(tags) t AS tag
