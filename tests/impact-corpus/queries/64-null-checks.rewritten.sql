-- expect: rewritable
SELECT count(*) AS unnamed
FROM accounts_v2
WHERE full_name IS NULL OR trim(full_name) = ''
