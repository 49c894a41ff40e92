-- expect: rewritable
-- daily list of names, owner: reporting
SELECT account_id, /* the person's name */ name
FROM accounts -- every account
/* newest first */
ORDER BY created DESC, account_id
