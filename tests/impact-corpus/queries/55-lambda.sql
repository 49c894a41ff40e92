-- expect: unaffected
SELECT account_id, transform(tags, t -> upper(t)) AS up
FROM accounts
