-- expect: needs-person: reads plan_code
SELECT account_id, plan_code FROM accounts
