-- expect: rewritable
SELECT account_id, full_name AS name,
       row_number() OVER (PARTITION BY created ORDER BY amount DESC, account_id) AS rn
FROM accounts_v2
