-- expect: rewritable
SELECT x.full_name AS name, y.full_name AS referrer
FROM accounts_v2 x
JOIN accounts_v2 y ON x.attrs['referrer'] = CAST(y.account_id AS STRING)
