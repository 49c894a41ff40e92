-- expect: rewritable
SELECT account_id, name FROM accounts
