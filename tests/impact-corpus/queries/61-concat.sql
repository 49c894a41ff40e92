-- expect: rewritable
SELECT concat(name, ' <', email, '>') AS who FROM accounts
