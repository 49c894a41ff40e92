-- expect: rewritable
WITH a AS (SELECT account_id, full_name AS name, email, CAST(score AS STRING) AS score, CAST(amount AS INT) AS amount, address, tags, attrs, created FROM accounts_v2)
SELECT account_id, name FROM a
