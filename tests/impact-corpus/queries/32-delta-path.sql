-- expect: rewritable
SELECT name FROM delta.`@WAREHOUSE@/accounts_v1`
