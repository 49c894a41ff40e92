-- expect: rewritable
SELECT full_name AS name, address FROM accounts_v2
