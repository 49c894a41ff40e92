-- expect: rewritable
SELECT x.name, y.name AS referrer
FROM accounts x
JOIN accounts y ON x.attrs['referrer'] = CAST(y.account_id AS STRING)
