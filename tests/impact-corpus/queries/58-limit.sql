-- expect: rewritable
SELECT name FROM accounts ORDER BY account_id LIMIT 10
