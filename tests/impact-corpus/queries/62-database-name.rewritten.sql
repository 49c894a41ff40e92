-- expect: rewritable
SELECT a.full_name AS name FROM analytics.accounts_v2 a
