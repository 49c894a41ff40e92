-- expect: rewritable
SELECT full_name AS name FROM delta.`@WAREHOUSE@/accounts_v2`
