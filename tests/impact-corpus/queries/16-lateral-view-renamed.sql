-- expect: rewritable
SELECT name, tag
FROM accounts
LATERAL VIEW explode(tags) t AS tag
WHERE tag <> ''
