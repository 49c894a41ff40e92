-- expect: rewritable
SELECT name
FROM ${schema}.accounts
