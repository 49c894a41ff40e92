-- expect: rewritable
SELECT concat(full_name, ' <', email, '>') AS who FROM accounts_v2
