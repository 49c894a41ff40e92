-- expect: unaffected: does not read accounts-v1
SELECT full_name FROM accounts_v2
