-- expect: rewritable
SELECT *
FROM (SELECT name, score FROM (SELECT * FROM accounts) x) y
WHERE score > '5'
