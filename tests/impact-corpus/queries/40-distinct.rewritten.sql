-- expect: rewritable
SELECT DISTINCT full_name AS name FROM accounts_v2
