-- expect: rewritable
SELECT count(*) AS n
FROM accounts
WHERE name IN ('Ann', 'Bob')
