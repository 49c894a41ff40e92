-- expect: rewritable
SELECT full_name AS name FROM accounts_v2 ORDER BY account_id LIMIT 10
