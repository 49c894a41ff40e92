-- expect: rewritable
WITH a AS (SELECT * FROM accounts)
SELECT account_id, name FROM a
