-- expect: rewritable
SELECT attrs['channel'] AS channel, full_name AS name
FROM accounts_v2
