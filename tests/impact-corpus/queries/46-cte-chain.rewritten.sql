-- expect: rewritable
WITH a AS (SELECT account_id, full_name AS name FROM accounts_v2),
     b AS (SELECT * FROM a WHERE name IS NOT NULL)
SELECT count(*) AS n FROM b
