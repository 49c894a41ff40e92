-- expect: rewritable
SELECT full_name AS name FROM `accounts-v2` WHERE CAST(score AS STRING) IS NOT NULL
