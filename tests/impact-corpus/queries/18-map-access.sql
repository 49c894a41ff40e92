-- expect: rewritable
SELECT attrs['channel'] AS channel, name
FROM accounts
