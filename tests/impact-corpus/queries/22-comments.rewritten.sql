-- expect: rewritable
-- daily list of names, owner: reporting
SELECT account_id, /* the person's name */ full_name AS name
FROM accounts_v2 -- every account
/* newest first */
ORDER BY created DESC, account_id
