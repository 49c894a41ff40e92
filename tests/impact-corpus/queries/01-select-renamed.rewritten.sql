-- expect: rewritable
SELECT account_id, full_name AS name FROM accounts_v2
