-- expect: needs-person: unknown table warehouse.mystery
SELECT m.id, a.name
FROM warehouse.mystery m
JOIN accounts a ON a.account_id = m.id
