-- expect: rewritable
SELECT name FROM `accounts-v1` WHERE score IS NOT NULL
