-- expect: rewritable
SELECT full_name AS name
FROM accounts_v2
WHERE created = DATE'${run_date}'
