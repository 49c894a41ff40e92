-- expect: rewritable
SELECT a.account_id, a.name
FROM accounts a
WHERE a.score > '50'
