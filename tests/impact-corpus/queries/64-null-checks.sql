-- expect: rewritable
SELECT count(*) AS unnamed
FROM accounts
WHERE name IS NULL OR trim(name) = ''
