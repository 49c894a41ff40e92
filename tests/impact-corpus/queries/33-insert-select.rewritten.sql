-- expect: unaffected
INSERT INTO reports.daily
SELECT created, count(*) AS n FROM accounts_v2 GROUP BY created
