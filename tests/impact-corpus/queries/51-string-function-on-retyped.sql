-- expect: rewritable
SELECT account_id
FROM accounts
WHERE length(score) = 2
