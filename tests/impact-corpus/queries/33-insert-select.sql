-- expect: unaffected
INSERT INTO reports.daily
SELECT created, count(*) AS n FROM accounts GROUP BY created
