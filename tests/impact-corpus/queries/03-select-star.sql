-- expect: needs-person: reads plan_code
SELECT * FROM accounts
