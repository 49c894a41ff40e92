-- expect: rewritable
SELECT name
FROM accounts
WHERE created = DATE'${run_date}'
