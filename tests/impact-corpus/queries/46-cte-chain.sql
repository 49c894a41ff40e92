-- expect: rewritable
WITH a AS (SELECT account_id, name FROM accounts),
     b AS (SELECT * FROM a WHERE name IS NOT NULL)
SELECT count(*) AS n FROM b
