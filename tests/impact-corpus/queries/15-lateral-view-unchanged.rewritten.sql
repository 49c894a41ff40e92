-- expect: unaffected
SELECT account_id, tag
FROM accounts_v2
LATERAL VIEW explode(tags) t AS tag
