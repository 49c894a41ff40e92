-- expect: rewritable
SELECT count(*) AS n
FROM accounts_v2
WHERE full_name IN ('Ann', 'Bob')
