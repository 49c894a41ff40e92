-- expect: needs-person: writes to accounts-v1
INSERT INTO accounts (account_id, name)
SELECT account_id, CAST(order_id AS STRING) FROM orders
