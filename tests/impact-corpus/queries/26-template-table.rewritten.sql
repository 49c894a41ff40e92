-- expect: rewritable
SELECT full_name AS name
FROM ${schema}.accounts_v2
