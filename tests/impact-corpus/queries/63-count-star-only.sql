-- expect: unaffected
SELECT count(*) AS n FROM accounts
