-- expect: rewritable
SELECT full_name AS name, tag
FROM accounts_v2
LATERAL VIEW explode(tags) t AS tag
WHERE tag <> ''
