-- expect: needs-person: reads plan_code
SELECT a.*, o.total
FROM accounts a
JOIN orders o ON o.account_id = a.account_id
