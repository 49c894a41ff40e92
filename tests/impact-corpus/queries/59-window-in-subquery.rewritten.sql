-- expect: rewritable
SELECT *
FROM (SELECT account_id, full_name AS name, rank() OVER (ORDER BY amount DESC, account_id) AS r FROM accounts_v2) ranked
WHERE r <= 3
