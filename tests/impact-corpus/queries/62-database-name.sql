-- expect: rewritable
SELECT a.name FROM analytics.accounts a
